/** An RFC 9457 problem detail: every error the sandbox answers has this shape. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Thrown by request handling for every expected failure; the error handler turns it into problem+json. */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, detail: string) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  toProblem(): Problem {
    return problem(this.status, this.code, this.message);
  }
}

export function problem(status: number, code: string, detail: string): Problem {
  return { type: `urn:payharness:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code };
}
