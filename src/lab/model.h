/* The planner's output kept while the lab is being built (model.c). */
#ifndef VGW_LAB_MODEL_H
#define VGW_LAB_MODEL_H

#include <stdio.h>

#include "lab/lab_priv.h"
#include "plan/plan.h"

struct lab_model_gw {
	struct lab_node *node; /* the gateway's node in struct lab */
};

struct lab_model {
	struct plan *plan;
	struct plan_gateways gws;
	struct lab_model_gw gw[PLAN_MAX_GATEWAYS];
};

/* Loads and plans the topology, fills lab's nodes. 0, or 2 with the
 * diagnostics printed to err. */
int lab_model_build(struct lab *lab, struct lab_model *m, const char *text, size_t len,
		    const char *name, FILE *err);
void lab_model_free(struct lab_model *m);

/* daemons.c: the gateway configs (planned + lab neighbors) and the
 * fabric / VPC route table configs, written into lab->dir. */
int lab_write_configs(const struct lab *lab, struct lab_model *m, FILE *err);

#endif
