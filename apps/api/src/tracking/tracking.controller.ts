import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppLogger, LOGGER } from '@app/platform';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { notFound } from '../common/errors/api-errors';
import { EmailRefs } from '../emails/email-ref';
import { RecordClickCommand } from '../emails/record-click/record-click.handler';
import { RecordOpenCommand, TrackingHit } from '../emails/record-open/record-open.handler';
import { TrackingTokens } from './tracking-token';

/** A 1x1 transparent GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function hitOf(request: Request): TrackingHit {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip || undefined, userAgent: userAgent ? userAgent.slice(0, 1000) : undefined };
}

function noStore(response: Response): void {
  response.setHeader('Cache-Control', 'no-store, no-cache, must-revalidate, max-age=0');
  response.setHeader('Pragma', 'no-cache');
  response.setHeader('Expires', '0');
}

/**
 * The open pixel and click redirects in sent emails. No token but the signed one, no waiting for
 * read models: a recipient's mail client must get its image or its redirect at once.
 */
@Public()
@Controller('t')
export class TrackingController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly tokens: TrackingTokens,
    private readonly emails: EmailRefs,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  /** `GET /t/o/{token}.gif`: records an open (human or machine) and answers the pixel, never cached. */
  @Get('o/:file')
  async open(@Param('file') file: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    if (!file.endsWith('.gif')) throw notFound('Tracking link');
    const { emailId } = this.tokens.verify(file.slice(0, -'.gif'.length), 'o');
    // A genuine token whose open cannot be recorded (the email not yet in the read model, the
    // store briefly down) still gets its image: a broken image in the lead's inbox helps no one.
    await this.commandBus.execute(new RecordOpenCommand({ kind: 'recipient' }, emailId, hitOf(request))).catch((error: unknown) => {
      this.logger.warn({ err: error, emailId }, 'open not recorded');
    });
    noStore(response);
    response.status(200).type('image/gif').setHeader('Content-Length', PIXEL.length);
    response.end(PIXEL);
  }

  /** `GET /t/c/{token}`: records a click and redirects to the link recorded for that email at send time. */
  @Get('c/:token')
  async click(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { emailId, linkIndex } = this.tokens.verify(token, 'c');
    const email = await this.emails.resolve({ kind: 'recipient' }, emailId);
    const link = email.links.find((l) => l.index === linkIndex);
    if (!link) throw notFound('Tracking link');
    // The lead goes where they clicked even if the click cannot be recorded right now.
    await this.commandBus.execute(new RecordClickCommand({ kind: 'recipient' }, emailId, { linkIndex }, hitOf(request))).catch((error: unknown) => {
      this.logger.warn({ err: error, emailId }, 'click not recorded');
    });
    noStore(response);
    response.redirect(302, link.url);
  }
}
