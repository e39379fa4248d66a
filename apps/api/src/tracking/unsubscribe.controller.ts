import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import escapeHtml from 'escape-html';
import type { Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { EmailRefs } from '../emails/email-ref';
import { UnsubscribeLeadCommand } from '../leads/unsubscribe-lead/unsubscribe-lead.handler';
import { TrackingTokens } from './tracking-token';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title>` +
  `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style></head>` +
  `<body>${body}</body></html>`;

function html(response: Response, status: number, content: string): void {
  response.status(status).type('text/html; charset=utf-8').setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Robots-Tag', 'noindex');
  response.send(content);
}

/**
 * Unsubscribe links (`List-Unsubscribe` and the footer link). POST unsubscribes: RFC 8058
 * one-click (body `List-Unsubscribe=One-Click`, sent by the mailbox provider) or the button of
 * the confirmation page. GET only shows that page: link scanners fetch every GET, and must not
 * unsubscribe anyone.
 */
@Public()
@Controller('u')
export class UnsubscribeController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly tokens: TrackingTokens,
    private readonly emails: EmailRefs,
  ) {}

  @Get(':token')
  confirm(@Param('token') token: string, @Res() response: Response): void {
    this.tokens.verify(token, 'u');
    const action = escapeHtml(encodeURIComponent(token));
    html(
      response,
      200,
      page(
        'Unsubscribe',
        `<h1>Unsubscribe</h1><p>Stop receiving these emails?</p>` + `<form method="post" action="${action}"><input type="hidden" name="confirm" value="1"><button type="submit">Unsubscribe</button></form>`,
      ),
    );
  }

  @Post(':token')
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string, @Body() body: unknown, @Res() response: Response): Promise<void> {
    const { emailId } = this.tokens.verify(token, 'u');
    const email = await this.emails.resolve({ kind: 'recipient' }, emailId);
    const oneClick = typeof body === 'object' && body !== null && (body as Record<string, unknown>)['List-Unsubscribe'] === 'One-Click';
    await this.commandBus.execute(
      new UnsubscribeLeadCommand({ kind: 'recipient' }, email.workspaceId, email.leadId, oneClick ? 'ONE_CLICK' : 'LINK', { emailId, campaignId: email.campaignId }),
    );
    html(response, 200, page('Unsubscribed', '<h1>You are unsubscribed</h1><p>You will not receive any more of these emails.</p>'));
  }
}
