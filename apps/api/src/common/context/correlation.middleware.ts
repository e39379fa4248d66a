import { Injectable, NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { runWithContext } from '@app/platform';
import type { NextFunction, Request, Response } from 'express';

const VALID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Every request runs in its own context: a correlation id (given or new) that logs and events carry. */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    const given = request.header('x-correlation-id');
    const correlationId = given && VALID.test(given) ? given : randomUUID();
    response.setHeader('x-correlation-id', correlationId);
    runWithContext({ correlationId, causationId: null, actorId: null, workspaceId: null, role: null }, next);
  }
}
