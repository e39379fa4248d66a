import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import escapeHtml from 'escape-html';
import type { Response } from 'express';
import { OAuthProvider } from '@app/mail';
import { AppLogger, LOGGER } from '@app/platform';
import { Public } from '../../common/auth/auth.decorators';
import { mapError } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { MailboxProviders } from '../mailbox-providers';
import { CompleteOAuthCommand } from './complete-oauth.handler';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>` +
  `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head><body>${body}</body></html>`;

const status: Record<string, number> = { BAD_USER_INPUT: 400, FORBIDDEN: 403, CONFLICT: 409, NOT_FOUND: 404 };
const providerName: Record<OAuthProvider, string> = { GMAIL: 'Gmail', OUTLOOK: 'Outlook' };

/**
 * Where Google and Microsoft send the browser back after the consent screen. No bearer token
 * comes with a redirect: the signed state is the authority. The answer is a small page, or a
 * redirect to OAUTH_RETURN_URL with `mailboxId` (or `error`) when the app has its own page.
 */
@Public()
@Controller('oauth')
export class OAuthCallbackController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly providers: MailboxProviders,
    private readonly watermarks: ProjectionWatermarks,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  @Get('google/callback')
  google(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    return this.complete('GMAIL', query, response);
  }

  @Get('microsoft/callback')
  microsoft(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    return this.complete('OUTLOOK', query, response);
  }

  private answer(response: Response, code: number, outcome: { mailboxId: string; address: string } | { error: string; message: string }, provider: OAuthProvider): void {
    response.setHeader('Cache-Control', 'no-store');
    const returnUrl = this.providers.settings.returnUrl;
    if (returnUrl) {
      const url = new URL(returnUrl);
      if ('mailboxId' in outcome) url.searchParams.set('mailboxId', outcome.mailboxId);
      else {
        url.searchParams.set('error', outcome.error);
        url.searchParams.set('message', outcome.message);
      }
      response.redirect(303, url.toString());
      return;
    }
    const html =
      'mailboxId' in outcome
        ? page('Mailbox connected', `<h1>${providerName[provider]} connected</h1><p>${escapeHtml(outcome.address)} is connected. You can close this window.</p>`)
        : page('Mailbox not connected', `<h1>${providerName[provider]} not connected</h1><p>${escapeHtml(outcome.message)}</p>`);
    response.status(code).type('text/html; charset=utf-8').send(html);
  }

  private async complete(provider: OAuthProvider, query: Record<string, unknown>, response: Response): Promise<void> {
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : '');
    if (text('error')) {
      const message = text('error') === 'access_denied' ? 'Access was not granted: nothing was connected.' : `The provider answered: ${text('error_description') || text('error')}`;
      this.answer(response, 400, { error: text('error'), message }, provider);
      return;
    }
    if (!text('code') || !text('state')) {
      this.answer(response, 400, { error: 'invalid_request', message: 'The sign-in did not come back with a code: start connecting the mailbox again.' }, provider);
      return;
    }
    try {
      const connected = await this.commandBus.execute(new CompleteOAuthCommand(provider, text('code'), text('state')));
      await this.watermarks.waitFor(['mailboxes'], connected.position);
      this.answer(response, 200, connected, provider);
    } catch (error) {
      const mapped = mapError(error);
      if (!mapped) this.logger.error({ err: error }, 'connecting a mailbox failed');
      this.answer(response, mapped ? (status[mapped.code] ?? 400) : 500, { error: mapped?.reason ?? 'server_error', message: mapped?.message ?? 'Something went wrong on our side: try again.' }, provider);
    }
  }
}
