import { ArgumentsHost, BadRequestException, Catch, HttpException, Inject } from '@nestjs/common';
import { GqlArgumentsHost, GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';
import { AppLogger, LOGGER, currentContext } from '@app/platform';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { ApiErrorCode, mapError } from './api-errors';

const httpStatus: Record<ApiErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/** Validation failures of inputs (class-validator), as one readable message. */
function validationMessage(exception: BadRequestException): string {
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const message = (response as { message: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
  }
  return exception.message;
}

/**
 * Maps every error once, at the edge: domain codes to `extensions.code` for GraphQL, to HTTP
 * statuses for plain routes. Anything unexpected is logged once with the correlation id and
 * answered as INTERNAL_SERVER_ERROR without internals.
 */
@Catch()
export class ApiExceptionFilter implements GqlExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: AppLogger) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    let mapped = mapError(exception);
    if (!mapped && exception instanceof BadRequestException) mapped = { code: 'BAD_USER_INPUT', message: validationMessage(exception), reason: 'INPUT.INVALID' };
    if (!mapped && exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const code: ApiErrorCode = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : status === 429 ? 'TOO_MANY_REQUESTS' : 'BAD_USER_INPUT';
      mapped = { code, message: exception.message };
    }
    const correlationId = currentContext()?.correlationId;
    if (!mapped) {
      this.logger.error({ err: exception, correlationId }, 'unexpected error');
      mapped = { code: 'INTERNAL_SERVER_ERROR', message: `Something went wrong on our side (correlation id ${correlationId ?? 'n/a'})` };
    }

    if (host.getType<GqlContextType>() === 'graphql') {
      GqlArgumentsHost.create(host);
      return new GraphQLError(mapped.message, {
        extensions: { code: mapped.code, reason: mapped.reason, correlationId, ...(mapped.details ? { details: mapped.details } : {}) },
      });
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (!response.headersSent) {
      response.status(httpStatus[mapped.code]).json({ error: { code: mapped.code, reason: mapped.reason, message: mapped.message, correlationId } });
    }
    return undefined;
  }
}
