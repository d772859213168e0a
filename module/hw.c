// SPDX-License-Identifier: GPL-2.0
/*
 * Turning hardware virtualization on and off on every CPU.
 *
 * vmem owns SVM/VMX on the host only while it has VMs: the first VM turns it
 * on on every online CPU, the last one turns it off, so another hypervisor
 * (KVM) can be used in between. CPUs that come online meanwhile are enabled
 * by a hotplug callback; reboot and suspend turn everything off.
 *
 * vmem_hw_get()/vmem_hw_put() run in process context and may sleep.
 * The per-CPU work runs on the CPU itself with interrupts disabled.
 * hw_lock is taken inside cpus_read_lock().
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/syscore_ops.h>

#include "vmem.h"

static DEFINE_MUTEX(hw_lock);
static unsigned int hw_users;		/* live VMs; hw_lock */
static bool hw_rebooting;		/* hw_lock */
static DEFINE_PER_CPU(bool, hw_enabled);
static int hw_cpuhp_state = -1;

atomic_t vmem_hw_cpus = ATOMIC_INIT(0);

/* Runs on the target CPU with interrupts disabled. */
static int hw_enable_this_cpu(void)
{
	int r;

	if (__this_cpu_read(hw_enabled))
		return 0;
	r = vmem_arch->cpu_enable();
	if (r) {
		pr_warn_ratelimited("vmem: cannot enable %s on CPU %d (%d)%s\n",
				    vmem_arch->name, smp_processor_id(), r,
				    r == -EBUSY ? ": another hypervisor owns it" : "");
		return r;
	}
	__this_cpu_write(hw_enabled, true);
	atomic_inc(&vmem_hw_cpus);
	return 0;
}

static void hw_disable_this_cpu(void)
{
	if (!__this_cpu_read(hw_enabled))
		return;
	vmem_arch->cpu_disable();
	__this_cpu_write(hw_enabled, false);
	atomic_dec(&vmem_hw_cpus);
}

static void hw_enable_ipi(void *failed)
{
	if (hw_enable_this_cpu())
		atomic_inc(failed);
}

static void hw_disable_ipi(void *unused)
{
	hw_disable_this_cpu();
}

static int hw_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	int r = 0;

	/* The hotplug lock is held: hw_users cannot change under us. */
	if (!READ_ONCE(hw_users))
		return 0;
	local_irq_save(flags);
	r = hw_enable_this_cpu();
	local_irq_restore(flags);
	return r;
}

static int hw_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	hw_disable_this_cpu();
	local_irq_restore(flags);
	return 0;
}

/**
 * vmem_hw_get() - make sure virtualization is on on every online CPU.
 *
 * Called once per VM creation. Fails with -EBUSY when another hypervisor
 * holds SVM/VMX on some CPU, and with -EBUSY while the host reboots.
 * Return: 0 or -errno; on failure nothing stays enabled on its account.
 */
int vmem_hw_get(void)
{
	atomic_t failed = ATOMIC_INIT(0);
	int r = 0;

	cpus_read_lock();
	mutex_lock(&hw_lock);
	if (hw_rebooting) {
		r = -EBUSY;
		goto out;
	}
	if (hw_users++ == 0) {
		on_each_cpu(hw_enable_ipi, &failed, 1);
		if (atomic_read(&failed)) {
			on_each_cpu(hw_disable_ipi, NULL, 1);
			hw_users--;
			r = -EBUSY;
		}
	}
out:
	mutex_unlock(&hw_lock);
	cpus_read_unlock();
	return r;
}

/**
 * vmem_hw_put() - drop one VM's hold on virtualization; the last turns it off.
 */
void vmem_hw_put(void)
{
	cpus_read_lock();
	mutex_lock(&hw_lock);
	if (!WARN_ON(!hw_users) && --hw_users == 0)
		on_each_cpu(hw_disable_ipi, NULL, 1);
	mutex_unlock(&hw_lock);
	cpus_read_unlock();
}

static int hw_reboot(struct notifier_block *nb, unsigned long code, void *v)
{
	mutex_lock(&hw_lock);
	hw_rebooting = true;
	mutex_unlock(&hw_lock);
	on_each_cpu(hw_disable_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block hw_reboot_nb = {
	.notifier_call = hw_reboot,
	.priority = 0,
};

/* Suspend runs on the last online CPU with interrupts off; others are offline. */
static int hw_suspend(void)
{
	hw_disable_this_cpu();
	return 0;
}

static void hw_resume(void)
{
	if (hw_users)
		hw_enable_this_cpu();
}

static struct syscore_ops hw_syscore_ops = {
	.suspend = hw_suspend,
	.resume = hw_resume,
};

/**
 * vmem_hw_init() - register the hotplug, reboot and suspend hooks.
 * Return: 0 or -errno.
 */
int vmem_hw_init(void)
{
	int r;

	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vmem:online",
				      hw_cpu_online, hw_cpu_offline);
	if (r < 0)
		return r;
	hw_cpuhp_state = r;
	register_reboot_notifier(&hw_reboot_nb);
	register_syscore_ops(&hw_syscore_ops);
	return 0;
}

/**
 * vmem_hw_exit() - undo vmem_hw_init(); no VM may be left.
 */
void vmem_hw_exit(void)
{
	unregister_syscore_ops(&hw_syscore_ops);
	unregister_reboot_notifier(&hw_reboot_nb);
	cpuhp_remove_state_nocalls(hw_cpuhp_state);
	WARN_ON(hw_users);
}
