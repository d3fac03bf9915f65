import type { ErrorRequestHandler, Request, Response } from 'express';
import type { ApiError, ErrorCode } from '../../shared/result';
import { languageFromHeader, text, type Language, type Text } from '../../shared/text';
import type { Issue } from '../../shared/validation';
import { StorageError } from '../recorder/incident-log';

/** An error meant for the client: a status, a stable code and a sentence in both languages. */
export class HttpError extends Error {
  override name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly text: Text,
    readonly details: Issue[] = [],
  ) {
    super(text.en);
  }
}

/** The language of the request's reader, from Accept-Language (Dutch by default). */
export function requestLanguage(req: Request): Language {
  return languageFromHeader(req.headers['accept-language']);
}

/** Renders an error in the reader's language. */
export function toApiError(error: HttpError, lang: Language): ApiError {
  const body: ApiError = { code: error.code, message: error.text[lang] };
  if (error.details.length > 0) {
    body.details = error.details.map((d) => ({ path: d.path, message: d.text[lang] }));
  }
  return body;
}

/** A 400 listing every problem found in an input. */
export function invalidInput(issues: Issue[]): HttpError {
  const first = issues[0];
  const where = first?.path ? `${first.path}: ` : '';
  return new HttpError(
    400,
    'bad-request',
    text(
      `De invoer klopt niet. ${where}${first?.text.nl ?? ''}`.trim(),
      `The input is not valid. ${where}${first?.text.en ?? ''}`.trim(),
    ),
    issues,
  );
}

/** Sends an error answer. */
export function sendError(req: Request, res: Response, error: HttpError): void {
  res.status(error.status).json({ error: toApiError(error, requestLanguage(req)) });
}

/**
 * The last middleware: known errors become their answer; body-parser errors a 400/413; anything
 * else is logged and answered with a generic sentence, never the raw exception text.
 */
export function errorHandler(log: (message: string) => void): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof HttpError) return sendError(req, res, error);
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      return sendError(req, res, new HttpError(400, 'bad-request', text('De inhoud is geen geldige JSON.', 'The body is not valid JSON.')));
    }
    if (type === 'entity.too.large') {
      return sendError(
        req,
        res,
        new HttpError(413, 'payload-too-large', text('De inhoud is te groot.', 'The body is too large.')),
      );
    }
    // The router decodes ids in the path; a broken %-escape is the client's mistake, not ours.
    if (error instanceof URIError) {
      return sendError(req, res, new HttpError(400, 'bad-request', text('Het adres bevat tekens die niet te lezen zijn (een kapotte %-code).', 'The address holds characters that cannot be read (a broken %-escape).')));
    }
    if (error instanceof StorageError) {
      log(`storage failure on ${req.method} ${req.path}: ${error.message}`);
      return sendError(
        req,
        res,
        new HttpError(503, 'storage-unavailable', text('De opslag van de server is vol, niet te lezen of niet schrijfbaar; er is niets gewijzigd. Probeer het later opnieuw; de beheerder ziet de fout in /api/health.', 'The server’s storage is full, unreadable or not writable; nothing was changed. Try again later; an administrator sees the fault in /api/health.')),
      );
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return sendError(req, res, new HttpError(415, 'bad-request', text('Deze tekencodering wordt niet ondersteund.', 'This character encoding is not supported.')));
    }
    log(`internal error on ${req.method} ${req.path}: ${(error as Error)?.stack ?? String(error)}`);
    sendError(
      req,
      res,
      new HttpError(500, 'internal', text('Er ging iets mis op de server; probeer het opnieuw.', 'Something went wrong on the server; please try again.')),
    );
  };
}
