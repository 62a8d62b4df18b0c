import { readFile } from 'node:fs/promises';
import { ClientError } from '../../context/client-error';
import { readCommentInput } from '../../feedback/comment-input';
import type { CommentStatus } from '../../store/comments';
import type { Handlers } from '../operation-types';
import { environmentOf, principalOf, type Services } from '../request-context';

export function commentHandlers(services: Services) {
  const { comments } = services;
  return {
    listComments: async (request) => {
      const { env } = await environmentOf(services, request);
      // The router's validator fills in the document's defaults (status, limit).
      const query = request.query as { status: CommentStatus; deployment?: string; limit: number };
      return comments.list(env, { status: query.status, limit: query.limit, ...(query.deployment !== undefined ? { deploymentId: query.deployment } : {}) });
    },
    createComment: async (request, reply) => {
      const { env } = await environmentOf(services, request);
      const input = readCommentInput(request.body);
      const comment = await comments.add(env, { name: principalOf(request).name, kind: 'token', previewLinkId: null }, input);
      return reply.code(201).send(comments.present(comment));
    },
    getComment: async (request) => {
      const comment = await comments.get(request.params.comment);
      return comments.thread(comment.parentId ?? comment.id);
    },
    resolveComment: (request) => comments.setResolved(request.params.comment, { name: principalOf(request).name, kind: 'token' }),
    reopenComment: (request) => comments.setResolved(request.params.comment, null),
    getCommentScreenshot: async (request, reply) => {
      const comment = await comments.get(request.params.comment);
      if (comment.screenshot !== 'ready') {
        const why =
          comment.screenshot === null
            ? 'has no screenshot'
            : comment.screenshot === 'pending'
              ? 'has its screenshot still being taken'
              : 'has no screenshot: taking it failed';
        throw new ClientError(404, `Comment ${comment.id} ${why}.`, { field: '/params/comment' });
      }
      const png = await readFile(comments.screenshotFile(comment.id)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT')
          throw new ClientError(404, `Comment ${comment.id}'s screenshot is no longer on this server.`, { field: '/params/comment' });
        throw error;
      });
      return reply.type('image/png').header('cache-control', 'private, max-age=86400').header('x-content-type-options', 'nosniff').send(png);
    },
  } satisfies Partial<Handlers>;
}
