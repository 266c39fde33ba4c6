/* Ending the domain: poweroff, reboot, crash, and parking a vCPU. */
#ifndef MINIOS_POWER_H
#define MINIOS_POWER_H

/* Each asks the hypervisor (PV) or the SBI firmware; none returns. */
void	power_off(void) __attribute__((noreturn));
void	power_reboot(void) __attribute__((noreturn));
void	power_crash(void) __attribute__((noreturn));
/* Stops this vCPU with interrupts off, for "halt" and after a failure. */
void	power_halt_cpu(void) __attribute__((noreturn));

#endif
