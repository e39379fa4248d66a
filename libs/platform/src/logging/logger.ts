import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { currentContext } from './request-context';

export type AppLogger = Logger;

/** Structured JSON logs; every line carries the correlation id of the work it belongs to. */
export function createLogger(options: { service: string; level: string; destination?: NodeJS.WritableStream }): AppLogger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const context = currentContext();
        return context ? { correlationId: context.correlationId, actorId: context.actorId ?? undefined, workspaceId: context.workspaceId ?? undefined } : {};
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** Nest's own messages go to the same JSON log. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, params: unknown[]): void {
    const context = params.length && typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    if (message instanceof Error) this.logger[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
}

/** The narrow logger libraries take (projection runners, workers). */
export function libraryLogger(logger: AppLogger) {
  return {
    info: (message: string, details?: Record<string, unknown>) => logger.info(details ?? {}, message),
    warn: (message: string, details?: Record<string, unknown>) => logger.warn(details ?? {}, message),
    error: (message: string, details?: Record<string, unknown>) => logger.error(details ?? {}, message),
  };
}
