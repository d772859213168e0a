# shellcheck shell=bash
# shellcheck disable=SC2154  # the runner sets the option variables
# SPDX-License-Identifier: GPL-2.0
#
# sandbox-lib.sh - what tools/sandbox (QEMU) and tools/sandbox-bochs share:
# the kernel-log problem patterns, the guest's /init and initramfs, streaming
# the command's output, boot retries and judging a run (exit statuses: see
# tools/sandbox).
#
# The runner sets PROG, EMU (the emulator's name in messages), BOOT_STALL
# (seconds a boot may take to reach the command) and the option variables
# payload, module, kvm_modules, timeout, log, interactive, cmd, KVM_MODULES,
# MODDIR, KVER and BUSYBOX (and may set MODULE_ARGS: parameters for the
# insmod of the module), and defines:
#   emu_start ATTEMPT CONSOLE OUT
#       start the emulator in the background, the guest's ttyS0 (kernel
#       console) going to file CONSOLE and its ttyS1 to file OUT, the
#       emulator's own output to $WORK/emu.log; set emu_pid
#   emu_gone CONSOLE
#       true if the guest is gone although the emulator still runs
#   emu_log
#       print $WORK/emu.log without lines that are only noise
# It sources this file first (definitions only: msg, fail and usage serve
# its option parsing), then calls sandbox_workdir, sandbox_initramfs FILE
# and sandbox_run, which exits.

# Kernel log lines that make a run fail (extended regular expressions, as
# for grep -E). One place: add a pattern here and every run checks it.
PROBLEM_PATTERNS=(
	'(^|\] )WARNING: '            # WARN() splat "WARNING: CPU: 0 PID: ..",
	                              # lockdep "WARNING: possible ..."
	'BUG: '                       # NULL deref, sleeping in atomic, ...
	'kernel BUG at'               # BUG_ON()
	'Oops'
	'general protection fault[,:]' # kernel GPs, not user "traps: ... ip:"
	'Kernel panic'
	'watchdog: BUG: soft lockup'
	'watchdog: Watchdog detected hard LOCKUP'
	'rcu: INFO:'
	'rcu_.* detected stall'
	'blocked for more than'       # hung task
	'UBSAN:'
	'KASAN:'
	'possible circular locking'
	'unreferenced object'         # kmemleak
	'list_(add|del) corruption'   # CONFIG_DEBUG_LIST
)
EXCERPT_BEFORE=5      # log lines shown before a problem line
EXCERPT_AFTER=45      # ... and after it
EXCERPT_MAX=200       # at most this many lines in all

BOOT_ATTEMPTS=3       # boots that die before the command starts are retried

# Markers /init prints; never shown to the user.
M_START=@@VMEM-SANDBOX-START@@
M_EXIT=@@VMEM-SANDBOX-EXIT          # "@@VMEM-SANDBOX-EXIT <status>@@"
M_INSMOD=@@VMEM-SANDBOX-INSMOD-FAILED
M_RMMOD=@@VMEM-SANDBOX-RMMOD-FAILED
M_DMESG_BEGIN=@@VMEM-SANDBOX-DMESG-BEGIN@@
M_DMESG_END=@@VMEM-SANDBOX-DMESG-END@@

msg() { echo "$PROG: $*" >&2; }
fail() { msg "$*"; exit 125; }

usage() {
	awk '/^# Usage:/ { p = 1 } p && !/^#/ { exit } p { sub(/^# ?/, ""); print }' \
		"$0" >&2
	exit "${1:-0}"
}

# --- private work dir, and cleanup of everything we start ---

kill_emu() {
	if [[ -n $emu_pid ]]; then
		kill "$emu_pid" 2>/dev/null || true
		wait "$emu_pid" 2>/dev/null || true
		emu_pid=
	fi
}

# shellcheck disable=SC2317  # called from the EXIT trap
sandbox_cleanup() {
	kill_emu
	rm -rf "$WORK"
}

sandbox_workdir() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmem-$PROG.XXXXXX")
	emu_pid=
	trap sandbox_cleanup EXIT
	trap 'msg "interrupted"; exit 130' INT
	trap 'msg "terminated"; exit 143' TERM
}

# --- the initramfs ---

# Quote words for the guest's busybox sh: 'a'\''b' style.
sh_quote() {
	local w out=
	for w in "$@"; do
		out+="'${w//\'/\'\\\'\'}' "
	done
	printf '%s\n' "$out"
}

# Copy one host file to the same path in the rootfs (following symlinks).
copy_same_path() {
	[[ -e $RFS$1 ]] && return 0
	mkdir -p "$RFS$(dirname "$1")"
	cp -L "$1" "$RFS$1"
}

# Shared libraries (and the dynamic loader) of the ELF files under DIR,
# resolved by the host's ldd, copied to the same paths in the guest.
copy_libs() {
	local f magic line lib
	while IFS= read -r -d '' f; do
		magic=
		IFS= read -r -d '' -n 4 magic <"$f" 2>/dev/null || true
		[[ $magic == $'\x7fELF' && $f != *.ko ]] || continue
		while IFS= read -r line; do
			case $line in
			*"=> not found"*)
				msg "warning: $f: ${line%% =>*} not found on the host" ;;
			*"=> /"*)
				lib=${line#*=> }; copy_same_path "${lib%% (*}" ;;
			/*)
				copy_same_path "${line%% (*}" ;;
			esac
		done < <(ldd "$f" 2>/dev/null | sed 's/^[[:space:]]*//' || true)
	done < <(find "$1" -type f -print0)
}

# Uncompressed copy of a kernel module (busybox insmod may not decompress).
copy_module() {
	case $1 in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# Build the guest's root file system and pack it into FILE (newc cpio).
sandbox_initramfs() {
	local m line p dst f

	RFS=$WORK/rootfs
	mkdir -p "$RFS"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,vmem,sandbox}
	cp "$BUSYBOX" "$RFS/bin/busybox"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$RFS/etc/passwd"
	echo 'root:x:0:' >"$RFS/etc/group"

	copy_libs "$RFS/bin"          # nothing, unless busybox is not the static one
	if [[ -n $payload ]]; then
		cp -a "$payload/." "$RFS/vmem/"
		copy_libs "$RFS/vmem"
	fi

	modname=
	if [[ -n $module ]]; then
		copy_module "$module" "$RFS/sandbox/module.ko" ||
			fail "cannot read module $module"
		# Debug info only slows insmod down under emulation.
		strip --strip-debug "$RFS/sandbox/module.ko" 2>/dev/null || true
		modname=$(modinfo -F name "$RFS/sandbox/module.ko" 2>/dev/null || true)
		if [[ -z $modname ]]; then
			modname=$(basename "$module")
			modname=${modname%%.ko*}
			modname=${modname//-/_}
		fi
	fi

	if ((kvm_modules)); then
		[[ -f $MODDIR/modules.dep ]] || fail "$MODDIR/modules.dep missing; run tools/install-deps"
		declare -A want=()
		for m in "${KVM_MODULES[@]}"; do
			line=$(grep -E "(^|/)$m\.ko(\.xz|\.zst|\.gz)?:" "$MODDIR/modules.dep" | head -n 1) ||
				fail "$m not in $MODDIR/modules.dep"
			line=${line/:/}
			for p in $line; do want[$p]=1; done
		done
		for p in "${!want[@]}"; do
			dst=$RFS/lib/modules/$KVER/${p%.xz}
			dst=${dst%.zst}
			dst=${dst%.gz}
			mkdir -p "$(dirname "$dst")"
			copy_module "$MODDIR/$p" "$dst" || fail "cannot copy $MODDIR/$p"
		done
		for f in modules.builtin modules.builtin.modinfo modules.order; do
			cp "$MODDIR/$f" "$RFS/lib/modules/$KVER/" 2>/dev/null || true
		done
		depmod -b "$RFS" "$KVER" 2>"$WORK/depmod.log" ||
			fail "depmod for the initramfs failed: $(cat "$WORK/depmod.log")"
	fi

	{
		echo "MODE=$( ((interactive)) && echo interactive || echo run)"
		echo "MODULE=$([[ -n $module ]] && echo /sandbox/module.ko)"
		echo "MODULE_ARGS='${MODULE_ARGS:-}'"
		echo "MODNAME=$modname"
	} >"$RFS/sandbox/env"
	sh_quote "${cmd[@]}" >"$RFS/sandbox/cmd"

	# /init runs in the guest under busybox sh.
	cat >"$RFS/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/shm /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t devpts devpts /dev/pts
hostname vmem-sandbox
. /sandbox/env

load_module() {
	[ -n "$MODULE" ] || return 0
	# shellcheck disable=SC2086  # parameters, one word each
	insmod "$MODULE" $MODULE_ARGS
}

if [ "$MODE" = interactive ]; then
	cd /vmem
	load_module || echo "sandbox: insmod $MODULE failed"
	echo "vmem sandbox: shell in /vmem${MODNAME:+, module $MODNAME loaded}." \
	     "'exit' powers off."
	setsid cttyhack sh -l
	poweroff -f
fi

# ttyS1 carries the command's output: no \n -> \r\n translation.
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
cd /vmem
echo "@@VMEM-SANDBOX-START@@" >&3
status=0
if ! load_module </dev/null >&3 2>&3; then
	echo "@@VMEM-SANDBOX-INSMOD-FAILED@@" >&3
	status=1
else
	eval "set -- $(cat /sandbox/cmd)"
	if [ $# -gt 0 ]; then
		"$@" </dev/null >&3 2>&3
		status=$?
	fi
	cd /
	if [ -n "$MODNAME" ] && grep -q "^$MODNAME " /proc/modules; then
		rmmod "$MODNAME" >&3 2>&3 || echo "@@VMEM-SANDBOX-RMMOD-FAILED@@" >&3
	fi
fi
echo "@@VMEM-SANDBOX-EXIT $status@@" >&3
# The whole ring buffer, not only what the console level let through; no
# console messages meanwhile, so they cannot interleave with the dump.
dmesg -n 1
{
	echo "@@VMEM-SANDBOX-DMESG-BEGIN@@"
	dmesg
	echo "@@VMEM-SANDBOX-DMESG-END@@"
} >/dev/ttyS0
# Both UARTs must finish sending before the power goes, which takes a
# while where the emulator paces them like a real line (Bochs): wait until
# their transmit counters stop moving.
prev=
while :; do
	cur=$(grep -E '^[01]:' /proc/tty/driver/serial)
	[ "$cur" = "$prev" ] && break
	prev=$cur
	sleep 0.2
done
poweroff -f
EOF
	chmod 755 "$RFS/init"

	# Uncompressed: under emulation the guest decompresses slower than it copies.
	(cd "$RFS" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0) >"$1" ||
		fail "cannot build the initramfs"
}

# --- running the guest ---

now() { echo "${EPOCHREALTIME//[.,]/}"; }      # microseconds
secs() { printf '%d.%d' $(($1 / 1000000)) $(($1 % 1000000 / 100000)); }

# Per attempt these describe what ttyS1 showed.
started=0 exited=0 status=0 insmod_failed=0 rmmod_failed=0
t_boot=0 t_start=0 t_exit=0 timed_out=0 partial=

# Handle one line from ttyS1: markers update the state, the rest is shown.
out_line() {
	local line=$1 rest
	if [[ $line == *@@VMEM-SANDBOX-* ]]; then
		rest=${line%%@@VMEM-SANDBOX-*}
		[[ -n $rest ]] && printf '%s\n' "$rest"
		case $line in
		*"$M_START"*) started=1; t_start=$(now) ;;
		*"$M_INSMOD"*) insmod_failed=1 ;;
		*"$M_RMMOD"*) rmmod_failed=1 ;;
		*"$M_EXIT "*)
			rest=${line##*"$M_EXIT "}
			status=${rest%%@@*}
			[[ $status =~ ^[0-9]+$ ]] || status=1
			exited=1; t_exit=$(now) ;;
		esac
	else
		printf '%s\n' "$line"
	fi
}

# Show what ttyS1 wrote since the last call (whole lines only).
drain() {
	local line
	while IFS= read -r -u "$out_fd" line; do
		out_line "$partial$line"
		partial=
	done
	partial+=$line
}

# Boot once; returns when the emulator has exited or been killed. Sets
# emu_rc (its exit status, or "killed").
boot_once() {
	local attempt=$1 out=$WORK/ttyS1.$1
	console=$WORK/console.$attempt
	started=0 exited=0 status=0 insmod_failed=0 rmmod_failed=0 partial=
	: >"$out"
	: >"$console"
	exec {out_fd}<"$out"
	t_boot=$(now)
	emu_start "$attempt" "$console" "$out"
	while kill -0 "$emu_pid" 2>/dev/null; do
		drain
		if (($(now) > deadline)); then
			timed_out=1
			break
		fi
		if ((!started && $(now) > t_boot + BOOT_STALL * 1000000)); then
			msg "no command started after $BOOT_STALL s, killing the guest"
			break
		fi
		emu_gone "$console" && break
		sleep 0.1
	done
	if kill -0 "$emu_pid" 2>/dev/null; then
		kill_emu
		emu_rc=killed
	else
		emu_rc=0
		wait "$emu_pid" 2>/dev/null || emu_rc=$?
		emu_pid=
	fi
	drain
	[[ -n $partial ]] && out_line "$partial"
	partial=
	exec {out_fd}<&-
	tr -d '\r' <"$console" >"$console.txt" 2>/dev/null || : >"$console.txt"
}

# Assemble the final log: every attempt, the last one at the end.
write_log() {
	local dest=$1 a
	{
		for ((a = 1; a <= attempts; a++)); do
			((attempts > 1)) && echo "### sandbox: boot attempt $a ###"
			cat "$WORK/console.$a.txt"
		done
		if [[ -s $WORK/emu.log ]] && ((!exited)); then
			echo "### sandbox: $EMU's own output ###"
			emu_log
		fi
	} >"$dest"
}

# The part of the last attempt's log to judge: the full dmesg dump if the
# guest got that far (the console copy would only duplicate it), else all.
scan_region() {
	local c=$WORK/console.$attempts.txt
	if grep -q "^$M_DMESG_END" "$c"; then
		sed -n "/^$M_DMESG_BEGIN/,\$p" "$c" | grep -v '^@@VMEM-SANDBOX-'
	else
		cat "$c"
	fi
}

# Print the problem lines of FILE with some context, bounded.
excerpt() {
	local file=$1 pat_args=() p
	for p in "${PROBLEM_PATTERNS[@]}"; do pat_args+=(-e "$p"); done
	grep -nE "${pat_args[@]}" "$file" | cut -d: -f1 |
		awk -v b="$EXCERPT_BEFORE" -v a="$EXCERPT_AFTER" -v max="$EXCERPT_MAX" \
		'NR == FNR { lo = $1 - b; hi = $1 + a
			     for (i = lo; i <= hi; i++) show[i] = 1; next }
		 (FNR in show) {
			if (printed >= max) { print "  [... excerpt truncated ...]"; exit }
			if (last && FNR != last + 1) print "  ..."
			print "  " $0; printed++; last = FNR }' - "$file"
}

has_problem() {
	local pat_args=() p
	for p in "${PROBLEM_PATTERNS[@]}"; do pat_args+=(-e "$p"); done
	grep -qE "${pat_args[@]}" "$1"
}

sandbox_run() {
	t_begin=$(now)
	deadline=$((t_begin + timeout * 1000000))
	attempts=0
	while :; do
		attempts=$((attempts + 1))
		boot_once "$attempts"
		((started || timed_out)) && break
		((attempts >= BOOT_ATTEMPTS)) && break
		# The emulator itself failed (bad option, no memory): booting again
		# won't help.
		[[ $emu_rc != 0 && $emu_rc != killed && ! -s $WORK/console.$attempts ]] && break
		msg "boot failed before the command started, retrying (attempt $((attempts + 1)))"
	done

	rc=0
	reasons=()
	scan=$WORK/scan.txt
	scan_region >"$scan"
	lines=$(wc -l <"$scan")

	if ((timed_out)); then
		msg "timeout after $timeout s"
		((exited)) && msg "(the command had exited with status $status; the guest did not power off)"
		rc=124
	elif ((!started)); then
		msg "the guest never reached the command ($attempts boot attempt(s), $EMU status $emu_rc); log tail:"
		tail -n 40 "$WORK/console.$attempts.txt" | sed 's/^/  /' >&2
		emu_log | sed "s/^/  $EMU: /" >&2
		rc=125
	elif ((!exited)); then
		reasons+=("the guest died while the command was running")
		rc=3
	else
		rc=$status
		((insmod_failed)) && reasons+=("insmod $module failed") && rc=3
		((rmmod_failed)) && reasons+=("rmmod $modname failed after the command") && rc=3
	fi
	if ((started)); then
		timing="booted in $(secs $((t_start - t_boot))) s"
		((attempts > 1)) && timing+=" (attempt $attempts)"
		((exited)) && timing+=", command ran $(secs $((t_exit - t_start))) s"
		msg "$timing"
	fi

	problem=0
	((started)) && has_problem "$scan" && problem=1
	if ((problem)); then
		msg "kernel log shows a problem:"
		excerpt "$scan" >&2
		rc=3
	fi
	if ((${#reasons[@]})); then
		msg "${reasons[*]}"
		if ((!problem)); then
			msg "kernel log tail:"
			tail -n 40 "$scan" | sed 's/^/  /' >&2
		fi
	elif ((exited && !problem)); then
		msg "kernel log clean ($lines lines)"
	fi

	if [[ -n $log ]]; then
		write_log "$log"
		((rc == 0)) || msg "kernel log: $log"
	elif ((rc != 0)); then
		kept=$(mktemp "${TMPDIR:-/tmp}/vmem-sandbox-log.XXXXXX")
		write_log "$kept"
		msg "kernel log kept in $kept"
	fi
	exit "$rc"
}
