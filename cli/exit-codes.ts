/**
 * The CLI's exit codes, the same for every command so scripts can rely on them:
 * 0 all is well; 1 the command worked and found something that needs a person
 * (a screening hit, a signature that does not verify); 2 the command could not do its
 * job (bad usage or input, the hub refused, the hub unreachable).
 */
export const EXIT_OK = 0;
/** Screening found a hit; a webhook or bulletin does not verify; the audit caught the hub misbehaving. */
export const EXIT_FINDING = 1;
/** Usage or input error, problem answer from the hub, network failure. */
export const EXIT_ERROR = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_FINDING | typeof EXIT_ERROR;

export const EXIT_CODES_HELP = `Exit codes:
  0  success (screen: no hits; verify-*: verified; audit: the log checks out)
  1  a finding: screen found at least one hit; verify-* found a bad signature;
     audit found the hub's log inconsistent (a fork, a dropped change, a bad signature)
  2  an error: bad usage or input, the hub refused the request, or it could not be reached`;
