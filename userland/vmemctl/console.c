// SPDX-License-Identifier: GPL-2.0
/*
 * The guest console of `vmemctl run`: bytes written to the debug port 0xe9
 * or to the transmit register of an 8250 UART at 0x3f8 go to stdout. The
 * UART is emulated only as far as a polling driver needs: the line status
 * register always reports the transmitter empty, the divisor latch, line
 * and modem control and scratch registers read back what was written, no
 * interrupt is ever pending and no input arrives. Called from vCPU
 * threads; one lock serialises the register state and stdout.
 */
#include <stdio.h>
#include <string.h>

#include <vmem/layout.h>

#include "vmemctl.h"

#define UART_RBR_THR	0	/* DLAB=0: receive / transmit; DLAB=1: DLL */
#define UART_IER	1	/* DLAB=1: DLM */
#define UART_IIR_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_LCR_DLAB	0x80
#define UART_IIR_NO_INT	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_MSR_IDLE	0xb0	/* DCD, DSR, CTS: a connected, ready line */

/**
 * console_init() - reset the console and UART state.
 * @con: the console.
 */
void console_init(struct console *con)
{
	memset(con, 0, sizeof(*con));
	pthread_mutex_init(&con->lock, NULL);
	con->dll = 1;		/* 115200 baud */
}

static void put(struct console *con, __u8 c)
{
	putchar(c);
	if (c == '\n')
		fflush(stdout);
}

static __u8 uart_read(struct console *con, unsigned int reg)
{
	bool dlab = con->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR:
		return dlab ? con->dll : 0;
	case UART_IER:
		return dlab ? con->dlm : con->ier;
	case UART_IIR_FCR:
		return UART_IIR_NO_INT;
	case UART_LCR:
		return con->lcr;
	case UART_MCR:
		return con->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT;
	case UART_MSR:
		return UART_MSR_IDLE;
	default:
		return con->scr;
	}
}

static void uart_write(struct console *con, unsigned int reg, __u8 v)
{
	bool dlab = con->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR:
		if (dlab)
			con->dll = v;
		else
			put(con, v);
		break;
	case UART_IER:
		if (dlab)
			con->dlm = v;
		else
			con->ier = v & 0x0f;
		break;
	case UART_LCR:
		con->lcr = v;
		break;
	case UART_MCR:
		con->mcr = v & 0x1f;
		break;
	case UART_SCR:
		con->scr = v;
		break;
	}
}

/**
 * console_pio() - handle a port I/O exit if it is the console's.
 * @con: the console.
 * @e: a VMEM_EXIT_IO exit; IN data is filled in.
 *
 * Each of @e->count elements is handled as one access of its low byte
 * (string I/O works; wider accesses act on their first byte).
 *
 * Return: true if the port was 0xe9 or 0x3f8..0x3ff.
 */
bool console_pio(struct console *con, struct vmem_exit *e)
{
	bool uart = e->io.port >= VMEM_PORT_COM1 &&
		    e->io.port < VMEM_PORT_COM1 + 8;
	__u8 *data = e->io.data;
	__u32 i;

	if (!uart && e->io.port != VMEM_PORT_DEBUGCON)
		return false;
	pthread_mutex_lock(&con->lock);
	for (i = 0; i < e->io.count; i++, data += e->io.size) {
		if (e->io.direction == VMEM_EXIT_IO_OUT) {
			if (uart)
				uart_write(con, e->io.port - VMEM_PORT_COM1,
					   data[0]);
			else
				put(con, data[0]);
		} else {
			memset(data, 0, e->io.size);
			/* Reading 0xe9 gives 0xe9: the usual presence probe. */
			data[0] = uart ? uart_read(con, e->io.port -
						   VMEM_PORT_COM1) :
					 VMEM_PORT_DEBUGCON;
		}
	}
	pthread_mutex_unlock(&con->lock);
	return true;
}

/**
 * console_flush() - push buffered output to stdout.
 * @con: the console.
 */
void console_flush(struct console *con)
{
	pthread_mutex_lock(&con->lock);
	fflush(stdout);
	pthread_mutex_unlock(&con->lock);
}
