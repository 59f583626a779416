/* Running processes for the lab: iproute2 commands, daemons, sysctls. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/lab_priv.h"

static void child_exec(char *const argv[], int outfd)
{
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0)
		dup2(devnull, 0);
	if (outfd >= 0) {
		dup2(outfd, 1);
		dup2(outfd, 2);
	}
	execvp(argv[0], argv);
	_exit(127);
}

int lab_run(char *const argv[], char *out, size_t outlen)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return 127;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return 127;
	}
	if (pid == 0)
		child_exec(argv, p[1]);
	close(p[1]);
	size_t len = 0;
	char buf[4096];
	ssize_t n;
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		if (out != NULL && outlen > 1 && len < outlen - 1) {
			size_t k = (size_t)n < outlen - 1 - len ? (size_t)n : outlen - 1 - len;
			memcpy(out + len, buf, k);
			len += k;
		}
	}
	if (out != NULL && outlen)
		out[len] = '\0';
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int lab_ip(const char *ns, ...)
{
	char *argv[40];
	size_t n = 0;
	argv[n++] = "ip";
	if (ns != NULL) {
		argv[n++] = "-n";
		argv[n++] = (char *)ns;
	}
	va_list ap;
	va_start(ap, ns);
	char *a;
	while ((a = va_arg(ap, char *)) != NULL && n < 39)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return lab_run(argv, NULL, 0);
}

pid_t lab_spawn(const char *ns, char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* Child: own process group so lab down can signal it alone. */
	setpgid(0, 0);
	if (ns != NULL && lab_enter_ns(ns) < 0)
		_exit(126);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	child_exec(argv, fd);
	return -1;
}

int lab_enter_ns(const char *ns)
{
	char path[128];
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

int lab_sysctl(const char *ns, const char *key, const char *value)
{
	char arg[160];
	snprintf(arg, sizeof(arg), "%s=%s", key, value);
	char *argv[] = { "ip", "netns", "exec", (char *)ns, "sysctl", "-qw", arg, NULL };
	return lab_run(argv, NULL, 0);
}
