/**
 * Exit statuses for commands ended by a signal. SSH reports a signal by name
 * (`exit-signal "KILL"`); like Go's x/crypto/ssh (and so Packer's provisioners) and like a
 * POSIX shell, the status is 128 + the signal's number, using the Linux numbering the Go
 * SDK fixes for every remote. An unknown name gives 128.
 */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
};

/** 128 + the signal's number; `name` may carry a `SIG` prefix. */
export function signalExitStatus(name: string): number {
  const bare = name.toUpperCase().replace(/^SIG/, '');
  return 128 + (SIGNAL_NUMBERS[bare] ?? 0);
}
