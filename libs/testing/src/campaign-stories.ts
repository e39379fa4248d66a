import { EventStore } from '@app/event-store';
import { DAY, HOUR, MINUTE } from './fixtures';
import { Story } from './story';

/** The leads of the spring campaign, by what happens to them. */
export type SpringLead = 'machine' | 'reader' | 'clicker' | 'bouncer' | 'failing';

export type SpringCampaign = {
  story: Story;
  templateId: string;
  sequenceId: string;
  /** Launched, paused, resumed, completed. */
  campaignId: string;
  /** Archived before launch, with one waiting enrollment. */
  archivedCampaignId: string;
  archivedEnrollment: string;
  /** Launched late: one enrollment with its email queued, one with its first step scheduled. */
  lateCampaignId: string;
  queuedEnrollment: string;
  pendingEnrollment: string;
  enrollments: Record<SpringLead, string>;
  leads: Record<SpringLead, string>;
  /** When things happened, for assertions. */
  at: {
    start: string;
    launched: string;
    firstSends: string;
    reactions: string;
    hardBounce: string;
    paused: string;
    resumed: string;
    lateOpen: string;
    lateLaunch: string;
    lateFired: string;
  };
};

/**
 * One realistic campaign story through the real deciders and store, shared by the projection
 * specs. Spring campaign, two steps (the second "if not opened", two days later), five leads:
 * - machine: only a machine open and an auto-reply on step 1, so step 2 is sent; completes;
 *   a person opens step 2 a day later;
 * - reader: opens twice (second time days later), unsubscribes through the campaign's link;
 *   stopped UNSUBSCRIBED when step 2 falls due;
 * - clicker: clicks (no pixel) and replies: stopped REPLIED;
 * - bouncer: bounces SOFT then HARD a minute later: stopped BOUNCED, then suppressed;
 * - failing: its first email fails to send: stopped SEND_FAILED.
 * The campaign is paused before step 2 falls due and resumed three days later, then
 * completed. A second campaign is archived before launch; a third is launched late with one
 * email queued and one first step still scheduled.
 */
export async function springCampaign(store: EventStore, label = 'spring'): Promise<SpringCampaign> {
  const story = await Story.begin(store, { label });
  const start = story.now();
  const templateId = await story.template();
  const sequenceId = await story.sequence([
    { templateId, delay: 'PT1M', condition: 'ALWAYS' },
    { templateId, delay: 'P2D', condition: 'IF_NOT_OPENED' },
  ]);
  const campaignId = await story.campaign({ sequenceId, name: 'Spring outreach' });
  const archivedCampaignId = await story.campaign({ sequenceId, name: 'Never launched' });
  const names: SpringLead[] = ['machine', 'reader', 'clicker', 'bouncer', 'failing'];
  const leads = {} as Record<SpringLead, string>;
  const enrollments = {} as Record<SpringLead, string>;
  for (const name of names) {
    leads[name] = await story.lead({ email: `${name}.${label}@example.com`, firstName: name[0]?.toUpperCase() + name.slice(1), company: 'Acme', timezone: 'Europe/Paris' });
    enrollments[name] = await story.enroll(campaignId, leads[name]);
  }
  const otherLead = await story.lead({ email: `other.${label}@example.com`, source: 'IMPORT' });
  const archivedEnrollment = await story.enroll(archivedCampaignId, otherLead);
  await story.archive(archivedCampaignId);

  const launched = story.advance(HOUR);
  await story.launch(campaignId);
  const firstSends = story.advance(MINUTE);
  await story.fireDue();
  await story.deliver({ fail: [story.emailOf(enrollments.failing, 0)] });

  const reactions = story.advance(HOUR);
  await story.open(story.emailOf(enrollments.machine, 0), { machine: true });
  await story.reply(story.emailOf(enrollments.machine, 0), 'AUTO_REPLY');
  await story.open(story.emailOf(enrollments.reader, 0));
  await story.click(story.emailOf(enrollments.clicker, 0), 1);
  await story.reply(story.emailOf(enrollments.clicker, 0));
  await story.bounce(story.emailOf(enrollments.bouncer, 0), 'SOFT');
  await story.unsubscribe(leads.reader, { emailId: story.emailOf(enrollments.reader, 0), campaignId });
  const hardBounce = story.advance(MINUTE);
  await story.bounce(story.emailOf(enrollments.bouncer, 0), 'HARD');
  await story.suppress(leads.bouncer, 'HARD_BOUNCE', story.emailOf(enrollments.bouncer, 0));
  const paused = story.now();
  await story.pause(campaignId);

  const resumed = story.advance(3 * DAY);
  await story.resume(campaignId);
  await story.fireDue();
  await story.deliver();
  await story.open(story.emailOf(enrollments.reader, 0));
  await story.complete(campaignId);

  const lateOpen = story.advance(DAY);
  await story.open(story.emailOf(enrollments.machine, 1));

  const lateSequence = await story.sequence([{ templateId, delay: 'PT1H', condition: 'ALWAYS' }], 'Late');
  const lateCampaignId = await story.campaign({ sequenceId: lateSequence, name: 'Late' });
  const lateLaunch = story.now();
  await story.launch(lateCampaignId);
  const queuedEnrollment = await story.enroll(lateCampaignId, await story.lead({ email: `queued.${label}@example.com` }));
  const lateFired = story.advance(HOUR);
  await story.fireDue();
  const pendingEnrollment = await story.enroll(lateCampaignId, await story.lead({ email: `pending.${label}@example.com` }));

  return {
    story,
    templateId,
    sequenceId,
    campaignId,
    archivedCampaignId,
    archivedEnrollment,
    lateCampaignId,
    queuedEnrollment,
    pendingEnrollment,
    enrollments,
    leads,
    at: { start, launched, firstSends, reactions, hardBounce, paused, resumed, lateOpen, lateLaunch, lateFired },
  };
}
