import type { FastifyError, FastifyReply } from 'fastify';
import { ClientError } from '../context/client-error';
import { FetchFailedError } from '../runtime/git-repository';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  field?: string;
  [extra: string]: unknown;
}

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
};

export function sendProblem(reply: FastifyReply, status: number, detail: string, extras: Record<string, unknown> = {}): FastifyReply {
  const problem: Problem = { type: 'about:blank', title: titles[status] ?? 'Error', status, detail, ...extras };
  return reply.code(status).type('application/problem+json').send(problem);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const where: Record<string, string> = { body: 'the request body', params: 'the URL', querystring: 'the query string', headers: 'the headers' };

/** A request validation failure, as a message that names the field and a JSON pointer to it. */
export function describeValidation(error: FastifyError): { detail: string; field: string } {
  const first = (error.validation as AjvError[] | undefined)?.[0];
  const context = error.validationContext ?? 'body';
  if (!first) return { detail: error.message, field: `/${context}` };
  let pointer = first.instancePath;
  let detail: string;
  if (first.keyword === 'required') {
    pointer += `/${String(first.params['missingProperty'])}`;
    detail = `Missing field '${pointer.slice(1).replace(/\//g, '.')}' in ${where[context] ?? context}.`;
  } else if (first.keyword === 'additionalProperties') {
    pointer += `/${String(first.params['additionalProperty'])}`;
    detail = `Unknown field '${pointer.slice(1).replace(/\//g, '.')}' in ${where[context] ?? context}.`;
  } else {
    const name = pointer ? pointer.slice(1).replace(/\//g, '.') : context;
    detail = `'${name}' ${first.message ?? 'is not valid'}${first.keyword === 'enum' ? `: ${JSON.stringify(first.params['allowedValues'])}` : ''}.`;
  }
  return { detail, field: `/${context}${pointer}` };
}

/** Every error becomes problem+json; only a real bug is a 500, and its message stays in the server log. */
export function handleError(error: FastifyError | ClientError | Error, reply: FastifyReply, log: (error: Error) => void): FastifyReply {
  if (error instanceof ClientError) return sendProblem(reply, error.status, error.message, error.extras);
  if (error instanceof FetchFailedError) {
    log(new Error(`git fetch failed: ${error.details}`));
    return sendProblem(reply, 502, error.message);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const { detail, field } = describeValidation(fastifyError);
    return sendProblem(reply, 400, detail, { field });
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) return sendProblem(reply, status, fastifyError.message.replace(/^FST_\w+: /, ''));
  log(error);
  return sendProblem(reply, 500, 'The server failed to handle the request; the details are in its log.');
}
