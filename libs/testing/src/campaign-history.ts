import { emailHash, stableIds } from '@app/application';
import { DomainEvent, WriteMetadata, streams } from '@app/events';
import { EventStore, NewEvent } from '@app/event-store';

/**
 * A large, realistic campaign history from a fixed seed, for benchmarks and tests that need
 * volume: workspaces with members, templates, sequences and campaigns; leads (with sealed
 * personal data) enrolled in one or two campaigns; every step scheduled, fired, queued and
 * sent, with machine and human opens, clicks, replies, bounces, unsubscribes, suppressions,
 * completions and stops. Every event is a catalogue event appended through the store (so it
 * is validated, sealed and hash-chained like production ones), in the order the system would
 * have written them: one lead's story strictly in time order, different leads interleaved by
 * time. Appends of different leads run concurrently; a lead never has two appends in flight.
 */
export type CampaignHistoryOptions = {
  /** How many events to write, at least (the last lead's story is finished: a few more). */
  events: number;
  seed?: number;
  workspaces?: number;
  campaignsPerWorkspace?: number;
  /** When the history starts (default 2025-01-06T08:00:00Z, a Monday). */
  start?: string;
  /** Appends in flight at once. */
  concurrency?: number;
  onProgress?: (written: number) => void;
};

export type CampaignHistory = {
  events: number;
  appends: number;
  streams: number;
  leads: number;
  enrollments: number;
  workspaces: { workspaceId: string; ownerId: string; campaignIds: string[] }[];
  /** When the last event occurred. */
  end: string;
};

/** mulberry32: small, fast, good enough for synthetic data, and the same everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Barbara', 'Edsger', 'Margaret', 'Ken', 'Radia', 'Donald', 'Frances', 'John', 'Hedy', 'Tim', 'Sophie', 'Niklaus'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Liskov', 'Dijkstra', 'Hamilton', 'Thompson', 'Perlman', 'Knuth', 'Allen', 'Backus', 'Lamarr', 'Berners-Lee', 'Wilson', 'Wirth'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Wonka'];
const TITLES = ['CTO', 'VP Sales', 'Head of Growth', 'Founder', 'Engineering Manager', 'COO', 'Marketing Lead'];
const ZONES = ['Europe/Paris', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney', 'Europe/Berlin', 'America/Chicago'];
const INDUSTRIES = ['software', 'retail', 'logistics', 'finance', 'health', 'media'];
const HASH_SECRET = 'campaign-history-email-hash';

type Chunk = {
  at: number;
  /** Chunks with the same key are appended one after the other, in time order. */
  key: string;
  streamId: string;
  tenantId: string;
  actorId: string;
  events: NewEvent[];
};

type Sequence = { sequenceId: string; steps: { templateId: string; delayMs: number; delay: string }[] };
type Campaign = { campaignId: string; sequence: Sequence; launchedAt: number };
type Workspace = { workspaceId: string; ownerId: string; ownerEmail: string; campaigns: Campaign[] };

/** A min-heap of chunks by time (ties: insertion order, so equal instants keep their order). */
class ChunkHeap {
  private readonly items: { chunk: Chunk; seq: number }[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  peek(): Chunk | undefined {
    return this.items[0]?.chunk;
  }
  private less(i: number, j: number): boolean {
    const a = this.items[i] as { chunk: Chunk; seq: number };
    const b = this.items[j] as { chunk: Chunk; seq: number };
    return a.chunk.at < b.chunk.at || (a.chunk.at === b.chunk.at && a.seq < b.seq);
  }
  private swap(i: number, j: number): void {
    const t = this.items[i] as { chunk: Chunk; seq: number };
    this.items[i] = this.items[j] as { chunk: Chunk; seq: number };
    this.items[j] = t;
  }
  push(chunk: Chunk): void {
    this.items.push({ chunk, seq: this.seq++ });
    for (let i = this.items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): Chunk | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (!top || !last) return undefined;
    if (this.items.length) {
      this.items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.items.length && this.less(l, m)) m = l;
        if (r < this.items.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.chunk;
  }
}

/** Writes the history into `store`. Deterministic for a seed: same ids, same payloads, same order per lead. */
export async function generateCampaignHistory(store: EventStore, options: CampaignHistoryOptions): Promise<CampaignHistory> {
  const random = seededRandom(options.seed ?? 42);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const uuid = () => {
    const hex = Array.from({ length: 4 }, () => Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const event = <E extends DomainEvent>(e: E): NewEvent => ({ ...e, id: uuid() });

  const start = Date.parse(options.start ?? '2025-01-06T08:00:00.000Z');
  const heap = new ChunkHeap();
  const streamIds = new Set<string>();
  const chunk = (at: number, key: string, streamId: string, tenantId: string, actorId: string, events: NewEvent[]) => {
    streamIds.add(streamId);
    heap.push({ at, key, streamId, tenantId, actorId, events });
    planned += events.length;
  };
  let planned = 0;

  // Workspaces, their people and content: written first, as setup.
  const workspaces: Workspace[] = [];
  const workspaceCount = options.workspaces ?? 4;
  const campaignsPerWorkspace = options.campaignsPerWorkspace ?? 12;
  for (let w = 0; w < workspaceCount; w++) {
    const workspaceId = uuid();
    const ownerId = uuid();
    const ownerEmail = `owner${w}@seller${w}.example`;
    const at = start + w * MINUTE;
    chunk(at, 'setup', streams.user(ownerId), workspaceId, ownerId, [
      event({ type: 'UserRegistered', data: { userId: ownerId, email: ownerEmail, name: `${pick(FIRST)} ${pick(LAST)}`, registeredAt: iso(at) } }),
    ]);
    chunk(at, 'setup', streams.workspace(workspaceId), workspaceId, ownerId, [
      event({ type: 'WorkspaceCreated', data: { workspaceId, name: `Seller ${w}`, ownerId, createdAt: iso(at) } }),
      event({ type: 'MemberAdded', data: { workspaceId, userId: ownerId, role: 'OWNER', addedAt: iso(at) } }),
    ]);
    for (const role of ['MEMBER', 'AUDITOR'] as const) {
      const userId = uuid();
      chunk(at + MINUTE, 'setup', streams.user(userId), workspaceId, userId, [
        event({ type: 'UserRegistered', data: { userId, email: `${role.toLowerCase()}${w}@seller${w}.example`, name: `${pick(FIRST)} ${pick(LAST)}`, registeredAt: iso(at + MINUTE) } }),
      ]);
      chunk(at + 2 * MINUTE, 'setup', streams.workspace(workspaceId), workspaceId, ownerId, [event({ type: 'MemberAdded', data: { workspaceId, userId, role, addedAt: iso(at + 2 * MINUTE) } })]);
    }
    const templates: string[] = [];
    for (let t = 0; t < 4; t++) {
      const templateId = uuid();
      templates.push(templateId);
      chunk(at + 3 * MINUTE, 'setup', streams.template(templateId), workspaceId, ownerId, [
        event({
          type: 'TemplateCreated',
          data: {
            templateId,
            workspaceId,
            name: `Template ${t}`,
            subject: 'Quick question, {{ firstName | default: "there" }}',
            body: 'Hi {{ firstName | default: "there" }}, have a look at https://example.com/demo and https://example.com/pricing. {{ senderName }}',
            category: t === 0 ? 'COLD_OUTREACH' : 'FOLLOW_UP',
            variables: ['firstName', 'senderName'],
            createdAt: iso(at + 3 * MINUTE),
          },
        }),
      ]);
    }
    const sequences: Sequence[] = [];
    for (let s = 0; s < 3; s++) {
      const sequenceId = uuid();
      const stepCount = 2 + s;
      const steps = Array.from({ length: stepCount }, (_, i) => {
        const days = i === 0 ? 0 : between(2, 4);
        return { templateId: templates[i % templates.length] as string, delayMs: i === 0 ? 5 * MINUTE : days * DAY, delay: i === 0 ? 'PT5M' : `P${days}D` };
      });
      sequences.push({ sequenceId, steps });
      chunk(at + 4 * MINUTE, 'setup', streams.sequence(sequenceId), workspaceId, ownerId, [
        event({
          type: 'SequenceCreated',
          data: {
            sequenceId,
            workspaceId,
            name: `Sequence ${s}`,
            steps: steps.map((step, i) => ({ delay: step.delay, condition: i === 0 ? ('ALWAYS' as const) : ('IF_NOT_REPLIED' as const), variants: [{ key: 'A', templateId: step.templateId, weight: 100 }] })),
            createdAt: iso(at + 4 * MINUTE),
          },
        }),
      ]);
    }
    const campaigns: Campaign[] = [];
    for (let c = 0; c < campaignsPerWorkspace; c++) {
      const campaignId = uuid();
      const createdAt = at + 5 * MINUTE + c * 3 * DAY;
      const launchedAt = createdAt + HOUR;
      const sequence = pick(sequences);
      campaigns.push({ campaignId, sequence, launchedAt });
      chunk(createdAt, 'setup', streams.campaign(campaignId), workspaceId, ownerId, [
        event({ type: 'CampaignCreated', data: { campaignId, workspaceId, name: `Campaign ${c}`, sequenceId: sequence.sequenceId, stopOnReply: true, createdAt: iso(createdAt) } }),
      ]);
      chunk(launchedAt, 'setup', streams.campaign(campaignId), workspaceId, ownerId, [event({ type: 'CampaignLaunched', data: { campaignId, launchedAt: iso(launchedAt) } })]);
    }
    workspaces.push({ workspaceId, ownerId, ownerEmail, campaigns });
  }

  let leads = 0;
  let enrollments = 0;
  // Leads arrive one after the other over the campaigns' period (about 15 events each), so
  // the log is in time order across leads too.
  const period = campaignsPerWorkspace * 3 * DAY;
  const meanGap = period / Math.max(1, options.events / 15);
  const firstLaunch = Math.min(...workspaces.flatMap((w) => w.campaigns.map((c) => c.launchedAt)));
  let nextCreatedAt = firstLaunch + MINUTE;
  /** Plans one lead's whole story as chunks on the heap; the heap interleaves leads by time. */
  const planLead = (): void => {
    const workspace = workspaces[leads % workspaces.length] as Workspace;
    const { workspaceId, ownerId, ownerEmail } = workspace;
    const createdAt = nextCreatedAt;
    nextCreatedAt += Math.max(1, Math.round(-Math.log(1 - random()) * meanGap));
    const launched = workspace.campaigns.filter((c) => c.launchedAt <= createdAt);
    const candidates = launched.length ? launched : workspace.campaigns.slice(0, 1);
    // Mostly the newest campaign, sometimes an older one still enrolling.
    const campaign = (chance(0.5) ? candidates[candidates.length - 1] : pick(candidates)) as Campaign;
    const first = workspace.campaigns.indexOf(campaign);
    const leadId = uuid();
    const key = `lead:${leadId}`;
    const leadStream = streams.lead(leadId);
    const firstName = pick(FIRST);
    const lastName = pick(LAST);
    const email = `${firstName}.${lastName}.${leads}@${pick(COMPANIES).toLowerCase()}.example`.toLowerCase();
    const timezone = chance(0.75) ? pick(ZONES) : undefined;
    leads++;
    chunk(createdAt, key, leadStream, workspaceId, ownerId, [
      event({
        type: 'LeadCreated',
        data: {
          leadId,
          workspaceId,
          email,
          emailHash: emailHash(HASH_SECRET, email),
          firstName,
          lastName: chance(0.9) ? lastName : undefined,
          company: pick(COMPANIES),
          title: pick(TITLES),
          timezone,
          customFields: chance(0.6) ? { industry: pick(INDUSTRIES) } : {},
          source: chance(0.7) ? 'IMPORT' : 'MANUAL',
          createdAt: iso(createdAt),
        },
      }),
    ]);
    if (chance(0.1)) {
      const at = createdAt + between(1, 30) * MINUTE;
      chunk(at, key, leadStream, workspaceId, ownerId, [event({ type: 'LeadUpdated', data: { leadId, title: pick(TITLES), updatedAt: iso(at) } })]);
    }

    let clock = createdAt + MINUTE;
    let contactable = true;
    const campaignsOfLead = [campaign];
    if (chance(0.3)) campaignsOfLead.push(workspace.campaigns[(first + 1 + Math.floor(random() * (workspace.campaigns.length - 1))) % workspace.campaigns.length] as Campaign);
    for (const enrolledIn of campaignsOfLead) {
      if (!contactable) break;
      const { campaignId, sequence } = enrolledIn;
      const enrollmentId = stableIds.enrollment(campaignId, leadId);
      const stream = streams.enrollment(enrollmentId);
      const refs = { enrollmentId, campaignId, leadId };
      enrollments++;
      const enrolledAt = Math.max(clock, enrolledIn.launchedAt) + between(1, 120) * MINUTE;
      let dueAt = enrolledAt + (sequence.steps[0] as { delayMs: number }).delayMs;
      chunk(enrolledAt, key, stream, workspaceId, ownerId, [
        event({ type: 'LeadEnrolled', data: { ...refs, workspaceId, sequenceId: sequence.sequenceId, stepCount: sequence.steps.length, enrolledAt: iso(enrolledAt) } }),
        event({ type: 'StepScheduled', data: { ...refs, stepIndex: 0, dueAt: iso(dueAt), reason: 'ENROLLED', scheduledAt: iso(enrolledAt) } }),
      ]);
      let firstEmailId: string | undefined;
      let ended = false;
      for (let stepIndex = 0; stepIndex < sequence.steps.length && !ended; stepIndex++) {
        const step = sequence.steps[stepIndex] as Sequence['steps'][number];
        const emailId = stableIds.email(enrollmentId, stepIndex);
        firstEmailId ??= emailId;
        const trackingId = stableIds.tracking(emailId);
        const greeting = `Hi ${firstName}`;
        const links = [
          { index: 0, url: 'https://example.com/demo' },
          { index: 1, url: 'https://example.com/pricing' },
        ];
        const paragraphs = Array.from({ length: between(2, 5) }, (_, p) => `We help teams like ${pick(COMPANIES)} move faster (${p}).`).join(' ');
        chunk(dueAt, key, stream, workspaceId, 'system:scheduler', [
          event({ type: 'StepDue', data: { ...refs, stepIndex, dueAt: iso(dueAt), firedAt: iso(dueAt), manual: false } }),
          event({
            type: 'EmailQueued',
            data: {
              ...refs,
              emailId,
              workspaceId,
              stepIndex,
              variant: 'A',
              templateId: step.templateId,
              templateRevision: 0,
              to: email,
              subject: stepIndex === 0 ? `Quick question, ${firstName}` : `Re: Quick question, ${firstName}`,
              bodyHtml: `<p>${greeting},</p><p>${paragraphs}</p><p>See <a href="https://t.example/c/${trackingId}/0">a demo</a> and <a href="https://t.example/c/${trackingId}/1">our pricing</a>.</p><img src="https://t.example/o/${trackingId}.gif" alt="">`,
              bodyText: `${greeting},\n\n${paragraphs}\n\nA demo: https://example.com/demo\nPricing: https://example.com/pricing`,
              trackingId,
              links,
              threadOfEmailId: stepIndex === 0 ? undefined : firstEmailId,
              queuedAt: iso(dueAt),
            },
          }),
        ]);
        const sentAt = dueAt + between(1, 90) * 1000;
        if (chance(0.01)) {
          chunk(sentAt, key, stream, workspaceId, 'system:scheduler', [
            event({ type: 'EmailFailed', data: { ...refs, emailId, reason: 'mailbox refused the message', attempts: 5, permanent: true, failedAt: iso(sentAt) } }),
            event({ type: 'EnrollmentStopped', data: { ...refs, reason: 'SEND_FAILED', stoppedAt: iso(sentAt) } }),
          ]);
          ended = true;
          clock = sentAt;
          break;
        }
        const last = stepIndex === sequence.steps.length - 1;
        const next = sequence.steps[stepIndex + 1];
        const nextDue = next ? sentAt + next.delayMs : 0;
        chunk(sentAt, key, stream, workspaceId, 'system:scheduler', [
          event({
            type: 'EmailSent',
            data: { ...refs, emailId, transport: 'outbox', providerMessageId: `outbox-${emailId}`, messageIdHeader: `<${emailId}@seller.example>`, from: ownerEmail, sentAt: iso(sentAt) },
          }),
          last
            ? event({ type: 'EnrollmentCompleted', data: { ...refs, completedAt: iso(sentAt) } })
            : event({ type: 'StepScheduled', data: { ...refs, stepIndex: stepIndex + 1, dueAt: iso(nextDue), reason: 'PREVIOUS_STEP', scheduledAt: iso(sentAt) } }),
        ]);
        clock = sentAt;
        // What the recipient does before the next step falls due (or within days, after the last).
        const horizon = last ? sentAt + 3 * DAY : nextDue - MINUTE;
        const within = (from: number, maxMs: number) => Math.min(horizon, from + Math.floor(random() * maxMs));
        const leadActor = `lead:${leadId}`;
        const tracking = { ip: `203.0.113.${between(1, 254)}`, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)' };
        if (chance(0.2)) {
          const at = sentAt + between(2, 60) * 1000;
          chunk(at, key, stream, workspaceId, leadActor, [event({ type: 'EmailOpened', data: { ...refs, emailId, ip: '66.249.84.1', userAgent: 'GoogleImageProxy', machine: true, openedAt: iso(at) } })]);
        }
        let opened = false;
        if (chance(0.45)) {
          opened = true;
          const opens = chance(0.3) ? 2 : 1;
          for (let o = 0, at = sentAt; o < opens; o++) {
            at = within(at + MINUTE, 20 * HOUR);
            chunk(at, key, stream, workspaceId, leadActor, [event({ type: 'EmailOpened', data: { ...refs, emailId, ...tracking, machine: false, openedAt: iso(at) } })]);
          }
        }
        if (chance(opened ? 0.2 : 0.03)) {
          const at = within(sentAt + 2 * MINUTE, 22 * HOUR);
          chunk(at, key, stream, workspaceId, leadActor, [event({ type: 'LinkClicked', data: { ...refs, emailId, linkIndex: between(0, 1), url: pick(links).url, ...tracking, clickedAt: iso(at) } })]);
        }
        if (chance(0.025)) {
          const at = within(sentAt + MINUTE, 2 * HOUR);
          const hard = chance(0.6);
          chunk(at, key, stream, workspaceId, 'system:scheduler', [
            event({ type: 'EmailBounced', data: { ...refs, emailId, kind: hard ? 'HARD' : 'SOFT', reason: hard ? '550 no such user' : '421 try later', bouncedAt: iso(at) } }),
            // A completed enrollment is not stopped again.
            ...(hard && !last ? [event({ type: 'EnrollmentStopped', data: { ...refs, reason: 'BOUNCED', stoppedAt: iso(at) } })] : []),
          ]);
          if (hard) {
            chunk(at + 1000, key, leadStream, workspaceId, 'system:scheduler', [event({ type: 'LeadSuppressed', data: { leadId, reason: 'HARD_BOUNCE', emailId, suppressedAt: iso(at + 1000) } })]);
            contactable = false;
            ended = true;
            clock = at + 1000;
            break;
          }
        }
        if (chance(0.07)) {
          const at = within(sentAt + 10 * MINUTE, 30 * HOUR);
          const human = chance(0.8);
          chunk(at, key, stream, workspaceId, 'system:inbox', [
            event({ type: 'ReplyReceived', data: { ...refs, emailId, kind: human ? 'HUMAN' : 'AUTO_REPLY', snippet: human ? `Thanks ${pick(FIRST)}, tell me more` : 'I am out of office', receivedAt: iso(at) } }),
            ...(human && !last ? [event({ type: 'EnrollmentStopped', data: { ...refs, reason: 'REPLIED', stoppedAt: iso(at) } })] : []),
          ]);
          if (human) {
            ended = true;
            clock = at;
            break;
          }
        }
        if (chance(0.012)) {
          const at = within(sentAt + 5 * MINUTE, 30 * HOUR);
          chunk(at, key, leadStream, workspaceId, leadActor, [event({ type: 'LeadUnsubscribed', data: { leadId, source: 'LINK', emailId, campaignId, unsubscribedAt: iso(at) } })]);
          if (!last) chunk(at + 2000, key, stream, workspaceId, 'system:scheduler', [event({ type: 'EnrollmentStopped', data: { ...refs, reason: 'UNSUBSCRIBED', stoppedAt: iso(at + 2000) } })]);
          contactable = false;
          ended = true;
          clock = at + 2000;
          break;
        }
        dueAt = nextDue;
      }
      clock += DAY;
    }
  };

  // Leads are planned lazily, in creation order, as the time of the log reaches them, so
  // only the stories in progress are held in memory. Appends run `concurrency` at a time; each
  // waits only for the previous append of its own lead, and setup appends for everything.
  const concurrency = options.concurrency ?? 16;
  let written = 0;
  let appends = 0;
  let end = start;
  const inFlight = new Set<Promise<void>>();
  const lastOfKey = new Map<string, Promise<void>>();
  let failure: unknown = null;
  const append = async (c: Chunk, metadata: WriteMetadata) => {
    await store.append(c.streamId, c.events, 'any', metadata);
    appends++;
    written += c.events.length;
    if (appends % 500 === 0) options.onProgress?.(written);
  };
  while (heap.size || planned < options.events) {
    // Every lead created before the next chunk in time is planned first.
    while (planned < options.events && (heap.size === 0 || nextCreatedAt <= (heap.peek() as Chunk).at)) planLead();
    const next = heap.pop();
    if (!next) break;
    end = Math.max(end, next.at);
    if (failure) break;
    if (next.key === 'setup' || inFlight.size >= concurrency) {
      if (next.key === 'setup') await Promise.all(inFlight);
      else await Promise.race(inFlight);
    }
    // Decided now, in log order, so the history does not depend on timing.
    const metadata: WriteMetadata = { tenantId: next.tenantId, actorId: next.actorId, correlationId: uuid(), causationId: null, occurredAt: iso(next.at) };
    const previous = lastOfKey.get(next.key);
    const work: Promise<void> = (previous ?? Promise.resolve())
      .then(() => append(next, metadata))
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        inFlight.delete(work);
        if (lastOfKey.get(next.key) === work) lastOfKey.delete(next.key);
      });
    inFlight.add(work);
    lastOfKey.set(next.key, work);
    if (next.key === 'setup') await work;
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  options.onProgress?.(written);
  return {
    events: written,
    appends,
    streams: streamIds.size,
    leads,
    enrollments,
    workspaces: workspaces.map((w) => ({ workspaceId: w.workspaceId, ownerId: w.ownerId, campaignIds: w.campaigns.map((c) => c.campaignId) })),
    end: iso(end),
  };
}
