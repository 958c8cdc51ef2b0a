/** Problem+json answers of the hub, as typed errors. */

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

export class CordonApiError extends Error {
  override name = "CordonApiError";
  readonly status: number;
  readonly problem: ProblemBody | undefined;

  constructor(status: number, problem: ProblemBody | undefined, fallback: string) {
    super(problem === undefined ? fallback : `${problem.title}: ${problem.detail}`);
    this.status = status;
    this.problem = problem;
  }

  /** The problem type's last segment, e.g. "validation", "not-found". */
  get kind(): string | undefined {
    return this.problem?.type.split("/").pop();
  }
}
