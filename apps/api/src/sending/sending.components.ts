import { ConfigureCampaignSendingHandler } from './configure-campaign-sending/configure-campaign-sending.handler';
import { ConfigureCampaignSendingResolver } from './configure-campaign-sending/configure-campaign-sending.resolver';
import { CampaignSendingQuery } from './queries/campaign-sending.query';
import { CampaignSendingResolver } from './queries/campaign-sending.resolver';
import { SetCampaignOccasionHandler } from './set-campaign-occasion/set-campaign-occasion.handler';
import { SetCampaignOccasionResolver } from './set-campaign-occasion/set-campaign-occasion.resolver';

/**
 * A campaign's sending: its mailboxes (rotation), send window, time zone and occasion. An
 * ApiComponents, checked where api.components.ts registers it.
 */
export const sendingComponents = {
  resolvers: [CampaignSendingResolver, ConfigureCampaignSendingResolver, SetCampaignOccasionResolver],
  handlers: [ConfigureCampaignSendingHandler, SetCampaignOccasionHandler],
  queries: [CampaignSendingQuery],
  controllers: [],
};
