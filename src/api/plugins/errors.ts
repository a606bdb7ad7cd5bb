import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorKind } from '../../domain/errors.ts';
import { recordAudit } from '../../core/record-audit.ts';
import type { Deps } from '../../core/deps.ts';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rule_violation: 422,
  unavailable: 503,
};

/** Codes whose HTTP status is more specific than their kind's. */
const STATUS_BY_CODE: Record<string, number> = {
  capture_limit_exceeded: 413,
  capture_file_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Content Too Large',
  415: 'Unsupported Media Type', 429: 'Too Many Requests', 422: 'Unprocessable Content', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** The EPCIS 2.0 REST binding names its own exception types for problem details on /epcis routes. */
function epcisExceptionType(status: number, code: string): string {
  if (code === 'query_parameter') return 'epcisException:QueryParameterException';
  if (status === 401 || status === 403) return 'epcisException:SecurityException';
  if (status === 404) return 'epcisException:NoSuchResourceException';
  if (status === 413) return 'epcisException:CaptureLimitExceededException';
  if (status === 409) return 'epcisException:ValidationException';
  if (status >= 500) return 'epcisException:ImplementationException';
  return 'epcisException:ValidationException';
}

/** Maps every error to RFC 9457 problem details; unknown errors become 500 with the message hidden and the request id logged. */
export function registerErrorHandler(app: FastifyInstance, deps: Deps): void {
  app.setErrorHandler(async (error: FastifyError | DomainError | Error, request: FastifyRequest, reply: FastifyReply) => {
    let status: number;
    let code: string;
    let detail: string;
    let extra: Record<string, unknown> = {};
    if (error instanceof DomainError) {
      status = STATUS_BY_CODE[error.code] ?? STATUS[error.kind];
      code = error.code;
      detail = error.message;
      const { field, errors, captureId, ...rest } = error.details;
      extra = { field, errors, captureID: captureId, ...(Object.keys(rest).length ? { details: rest } : {}) };
    } else if ((error as FastifyError).validation) {
      const v = (error as FastifyError).validation![0];
      const missing = (v?.params as { missingProperty?: string } | undefined)?.missingProperty;
      const context = (error as FastifyError).validationContext ?? 'body';
      const path = (v?.instancePath ?? '').split('/').filter(Boolean).join('.');
      const field = [path, missing].filter(Boolean).join('.') || context;
      status = 400;
      code = 'invalid_request';
      detail = `${context === 'body' ? '' : `${context} `}${field} ${missing ? 'is required' : (v?.message ?? 'is invalid')}`.trim();
      extra = { field };
    } else if ((error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500) {
      status = (error as FastifyError).statusCode!;
      code = ((error as FastifyError).code ?? 'bad_request').toLowerCase();
      detail = error.message;
    } else {
      request.log.error({ err: error, reqId: request.id }, 'unhandled error');
      status = 500;
      code = 'internal_error';
      detail = `An unexpected error occurred; it was logged as request ${request.id}.`;
    }
    if ((status === 401 || status === 403) && request.actor) {
      await recordAudit(deps, request.actor, 'access.denied', `${request.method} ${request.routeOptions.url ?? request.url}`, 'denied', { code }).catch(() => undefined);
    }
    const isEpcis = request.url.startsWith('/epcis');
    const body = {
      type: isEpcis ? epcisExceptionType(status, code) : `urn:suyuan:problem:${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance: request.url.split('?')[0],
      code,
      ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
    };
    if (status === 401) reply.header('WWW-Authenticate', 'Bearer realm="suyuan"');
    return reply.status(status).type('application/problem+json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const isEpcis = request.url.startsWith('/epcis');
    return reply.status(404).type('application/problem+json').send({
      type: isEpcis ? 'epcisException:NoSuchResourceException' : 'urn:suyuan:problem:route_not_found',
      title: 'Not Found',
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}.`,
      code: 'route_not_found',
    });
  });
}
