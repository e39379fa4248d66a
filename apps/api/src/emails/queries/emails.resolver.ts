import { Inject } from '@nestjs/common';
import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { trackingUrls } from '@app/tracking';
import { ApiSettings } from '../../api.config';
import { API_SETTINGS } from '../../api.tokens';
import { IdArgs } from '../../common/args/id.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { EmailModel, EmailTrackingUrlsModel } from './email.model';
import { EmailsQuery } from './emails.query';

@Resolver(() => EmailModel)
export class EmailsResolver {
  constructor(
    private readonly query: EmailsQuery,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
  ) {}

  @Query(() => EmailModel)
  async email(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<EmailModel> {
    return (await this.query.byId(actor.workspaceId, id)) ?? Promise.reject(notFound('Email', id));
  }

  @ResolveField(() => EmailTrackingUrlsModel)
  trackingUrls(@Parent() email: EmailModel): EmailTrackingUrlsModel {
    const urls = trackingUrls(this.settings.publicUrl, this.settings.trackingSecret, email.id);
    return { pixel: urls.pixel, unsubscribe: urls.unsubscribe, links: email.links.map((link) => ({ ...link, trackingUrl: urls.link(link.index) })) };
  }
}
