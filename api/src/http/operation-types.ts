/**
 * Handlers typed by their operation in the OpenAPI document (through the generated `operations`): the request's
 * params, query and body as the document declares them (the router has validated them against it), and what a
 * handler returns checked against the operation's success answers. `Handlers` needs one for every operation.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { operations } from '../../../common/src/api/schema';

export type OperationId = keyof operations;

type Present<T> = [T] extends [never] ? Record<string, never> : T extends undefined ? Record<string, never> : T;

type ParamsOf<Op> = Op extends { parameters: { path?: infer Path } } ? Present<Path> : Record<string, never>;
type QueryOf<Op> = Op extends { parameters: { query?: infer Query } } ? Present<Query> : Record<string, never>;
type BodyOf<Op> = Op extends { requestBody: { content: { 'application/json': infer Body } } }
  ? Body
  : Op extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? Body
    : undefined;

/** The JSON of the operation's 2xx answers. */
type SuccessOf<Op> = Op extends { responses: infer Responses }
  ? {
      [Status in keyof Responses]: Status extends 200 | 201 | 202
        ? Responses[Status] extends { content: { 'application/json': infer Json } }
          ? Json
          : never
        : never;
    }[keyof Responses]
  : never;

export type OperationRequest<Id extends OperationId> = FastifyRequest<{
  Params: ParamsOf<operations[Id]>;
  Querystring: QueryOf<operations[Id]>;
  Body: BodyOf<operations[Id]>;
}>;

/** Returns the answer's JSON (sent with the operation's first success status), or the reply it sent itself. */
export type OperationHandler<Id extends OperationId> = (
  request: OperationRequest<Id>,
  reply: FastifyReply,
) => Promise<SuccessOf<operations[Id]> | FastifyReply>;

export type Handlers = { [Id in OperationId]: OperationHandler<Id> };
