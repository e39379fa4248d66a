import { CampaignEvent } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { SequenceNotFound } from '../../content/sequence/sequence.errors';
import { MailboxNotFound } from '../../mailboxes/mailbox/mailbox.errors';
import { checkSendWindow, checkTimeZone } from '../../shared/send-window';
import { CampaignAlreadyExists, CampaignHasUnfinishedEnrollments, CampaignNotFound, CampaignStateConflict, InvalidCampaign } from './campaign.errors';
import { evolveCampaign, initialCampaignState } from './campaign.evolve';
import { CampaignCommand, CampaignState } from './campaign.state';

export function decideCampaign(command: CampaignCommand, state: CampaignState): CampaignEvent[] {
  if (command.type === 'CreateCampaign') {
    if (state.status !== 'none') throw new CampaignAlreadyExists();
    const name = command.name.trim();
    if (!name || name.length > 200) throw new InvalidCampaign('Give the campaign a name (1 to 200 characters)');
    if (!command.sequence) throw new SequenceNotFound(command.sequenceId);
    const { campaignId, workspaceId, sequenceId, stopOnReply } = command;
    return [{ type: 'CampaignCreated', data: { campaignId, workspaceId, name, sequenceId, stopOnReply, createdAt: command.now } }];
  }
  if (state.status === 'none') throw new CampaignNotFound();
  const campaignId = state.campaignId;
  switch (command.type) {
    case 'LaunchCampaign':
      if (state.status !== 'draft') throw new CampaignStateConflict('launch', state.status);
      return [{ type: 'CampaignLaunched', data: { campaignId, launchedAt: command.now } }];
    case 'PauseCampaign':
      if (state.status === 'paused') return [];
      if (state.status !== 'active') throw new CampaignStateConflict('pause', state.status);
      return [{ type: 'CampaignPaused', data: { campaignId, pausedAt: command.now } }];
    case 'ResumeCampaign':
      if (state.status === 'active') return [];
      if (state.status !== 'paused') throw new CampaignStateConflict('resume', state.status);
      return [{ type: 'CampaignResumed', data: { campaignId, resumedAt: command.now } }];
    case 'CompleteCampaign':
      if (state.status === 'completed') return [];
      if (state.status !== 'active' && state.status !== 'paused') throw new CampaignStateConflict('complete', state.status);
      if (command.unfinishedEnrollments > 0) throw new CampaignHasUnfinishedEnrollments(command.unfinishedEnrollments);
      return [{ type: 'CampaignCompleted', data: { campaignId, completedAt: command.now } }];
    case 'ArchiveCampaign':
      if (state.status === 'archived') return [];
      return [{ type: 'CampaignArchived', data: { campaignId, archivedAt: command.now } }];
    case 'ConfigureCampaignSending': {
      if (state.status === 'completed' || state.status === 'archived') throw new CampaignStateConflict('configure sending of', state.status);
      const mailboxIds = [...new Set(command.mailboxIds)];
      for (const id of mailboxIds) if (!command.mailboxes[id]) throw new MailboxNotFound(id);
      const sendWindow = command.sendWindow ? checkSendWindow(command.sendWindow) : null;
      const timezone = command.timezone ? checkTimeZone(command.timezone) : null;
      const same = JSON.stringify({ mailboxIds, sendWindow, timezone }) === JSON.stringify({ ...state.sending, mailboxIds: [...state.sending.mailboxIds] });
      if (same) return [];
      return [{ type: 'CampaignSendingConfigured', data: { campaignId, mailboxIds, sendWindow, timezone, configuredAt: command.now } }];
    }
    case 'SetCampaignOccasion': {
      if (state.status !== 'draft') throw new CampaignStateConflict('turn into an occasion campaign', state.status);
      const customLabel = command.customLabel?.trim() || undefined;
      if (command.occasion === 'CUSTOM' && !customLabel) throw new InvalidCampaign('A CUSTOM occasion needs the label of the dates it sends on (customLabel)');
      if (customLabel && customLabel.length > 100) throw new InvalidCampaign('customLabel must be at most 100 characters');
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(command.sendAtLocalTime)) throw new InvalidCampaign('sendAtLocalTime must be a time of day as HH:MM, e.g. 09:00');
      return [{ type: 'CampaignOccasionSet', data: { campaignId, occasion: command.occasion, customLabel, sendAtLocalTime: command.sendAtLocalTime, setAt: command.now } }];
    }
    default:
      return assertNever(command, 'campaign command');
  }
}

export const campaignDecider: Decider<CampaignCommand, CampaignEvent, CampaignState> = {
  initialState: initialCampaignState,
  evolve: evolveCampaign,
  decide: decideCampaign,
};
