// SPDX-License-Identifier: GPL-2.0
/*
 * vmemctl: the command-line front end of vmem, git-style. This file owns
 * only the table of subcommands and the dispatch; each subcommand lives in
 * its own file (run.c, ls.c).
 */
#include <stdio.h>
#include <string.h>

#include "vmemctl.h"

#define VMEMCTL_VERSION	"0.1"

static const struct vmemctl_cmd commands[] = {
	{ "run", cmd_run, "run a guest image in a new VM" },
	{ "ls", cmd_ls, "list the VMs and their memory" },
	{ "stat", cmd_stat, "every counter of the module or of some VMs" },
	{ "top", cmd_top, "pool, page sharing and VMs, refreshed" },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: vmemctl [--version] [--help] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'vmemctl COMMAND --help' or 'vmemctl help COMMAND' "
		"describes a command.\n");
}

static const struct vmemctl_cmd *find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static char prog[64];
	const struct vmemctl_cmd *cmd;
	char *help_argv[] = { NULL, "--help", NULL };

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vmemctl %s (vmem API %d)\n", VMEMCTL_VERSION,
		       VMEM_API_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		cmd = find(argv[2]);
		if (!cmd) {
			vmemctl_err("'%s' is not a vmemctl command", argv[2]);
			return 1;
		}
		snprintf(prog, sizeof(prog), "vmemctl %s", cmd->name);
		vmemctl_prog = prog;
		help_argv[0] = prog;
		return cmd->fn(2, help_argv);
	}
	cmd = find(argv[1]);
	if (!cmd) {
		vmemctl_err("'%s' is not a vmemctl command; see 'vmemctl --help'",
			    argv[1]);
		return 1;
	}
	snprintf(prog, sizeof(prog), "vmemctl %s", cmd->name);
	vmemctl_prog = prog;
	argv[1] = prog;		/* getopt's messages name the subcommand */
	return cmd->fn(argc - 1, argv + 1);
}
