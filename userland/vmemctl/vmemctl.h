/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmemctl internals: the subcommand table entry, shared parsing and message
 * helpers, and the emulated console the run subcommand gives its guests.
 */
#ifndef VMEMCTL_H
#define VMEMCTL_H

#include <pthread.h>
#include <stdbool.h>
#include <linux/types.h>

#include <vmem/backend.h>

/**
 * struct vmemctl_cmd - one subcommand.
 * @name:	what the user types after "vmemctl".
 * @fn:		the implementation; argv[0] is "vmemctl <name>"; returns the
 *		exit status.
 * @summary:	one line for "vmemctl --help".
 */
struct vmemctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

int cmd_run(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_top(int argc, char **argv);

/* util.c */
extern const char *vmemctl_prog;
void vmemctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_size(const char *s, __u64 *out);
int parse_u64(const char *s, __u64 *out);
void format_size(__u64 bytes, char *buf, size_t size);

/* console.c: port 0xe9 and an 8250 UART at 0x3f8, output to stdout */
struct console {
	pthread_mutex_t lock;
	__u8 lcr, ier, mcr, scr, dll, dlm;
};

void console_init(struct console *con);
bool console_pio(struct console *con, struct vmem_exit *e);
void console_flush(struct console *con);

#endif /* VMEMCTL_H */
