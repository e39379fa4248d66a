import { CampaignEvent } from '@app/events';
import { assertNever } from '../../shared/decider';
import { CampaignState } from './campaign.state';

export const initialCampaignState = (): CampaignState => ({ status: 'none' });

export function evolveCampaign(state: CampaignState, event: CampaignEvent): CampaignState {
  if (event.type === 'CampaignCreated') {
    const { campaignId, workspaceId, name, sequenceId, stopOnReply } = event.data;
    return { status: 'draft', campaignId, workspaceId, name, sequenceId, stopOnReply, sending: { mailboxIds: [], sendWindow: null, timezone: null }, occasion: null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'CampaignLaunched':
      return { ...state, status: 'active', launchedAt: event.data.launchedAt };
    case 'CampaignPaused':
      return state.status === 'active' ? { ...state, status: 'paused' } : state;
    case 'CampaignResumed':
      return state.status === 'paused' ? { ...state, status: 'active' } : state;
    case 'CampaignCompleted':
      return state.status === 'active' || state.status === 'paused' ? { ...state, status: 'completed' } : state;
    case 'CampaignArchived':
      return { ...state, status: 'archived', launchedAt: 'launchedAt' in state ? state.launchedAt : null };
    case 'CampaignSendingConfigured': {
      const { mailboxIds, sendWindow, timezone } = event.data;
      return { ...state, sending: { mailboxIds, sendWindow, timezone } };
    }
    case 'CampaignOccasionSet': {
      const { occasion, customLabel, sendAtLocalTime } = event.data;
      return { ...state, occasion: { occasion, customLabel, sendAtLocalTime } };
    }
    default:
      return assertNever(event, 'campaign event');
  }
}
