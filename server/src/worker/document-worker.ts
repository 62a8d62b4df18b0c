import { parentPort } from 'node:worker_threads';
import { parseConfig, type ParsedConfig } from '../../../common/src/config/parse';
import { codeActions } from '../service/code-actions';
import { completionHints } from '../service/completion';
import { diagnostics } from '../service/diagnostics';
import { hover } from '../service/hover';
import { documentSymbols } from '../service/symbols';
import type { WorkerRequest, WorkerResponse, WorkerResults } from './protocol';

/** The worker thread's side: latest text per document, parsed at most once per version. */
const documents = new Map<string, { version: number; text: string; parsed?: ParsedConfig }>();

function parsed(uri: string): ParsedConfig | undefined {
  const document = documents.get(uri);
  if (!document) return undefined;
  document.parsed ??= parseConfig(document.text);
  return document.parsed;
}

function handle(request: WorkerRequest): WorkerResults[keyof WorkerResults] | undefined {
  switch (request.kind) {
    case 'update':
      documents.set(request.uri, { version: request.version, text: request.text });
      return undefined;
    case 'close':
      documents.delete(request.uri);
      return undefined;
    case 'validate': {
      if (documents.get(request.uri)?.version !== request.version) return { diagnostics: null, hints: null };
      const document = parsed(request.uri)!;
      return { diagnostics: diagnostics(document, request.context, request.options), hints: completionHints(document.value) };
    }
    case 'hover': {
      const document = parsed(request.uri);
      return document ? hover(document, request.position) : null;
    }
    case 'symbols': {
      const document = parsed(request.uri);
      return document ? documentSymbols(document) : null;
    }
    case 'codeActions': {
      const document = parsed(request.uri);
      return document ? codeActions(document, request.uri, request.diagnostics) : null;
    }
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  if (!('id' in request)) {
    handle(request);
    return;
  }
  let response: WorkerResponse;
  try {
    response = { id: request.id, result: handle(request) ?? null };
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort?.postMessage(response);
});
