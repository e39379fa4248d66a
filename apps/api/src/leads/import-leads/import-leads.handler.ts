import { Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, LeadAlreadyExists, normaliseEmail } from '@app/domain';
import { InvalidEventPayload } from '@app/events';
import { EventStore } from '@app/event-store';
import { EVENT_STORE } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { forEachConcurrently } from '../../common/concurrency';
import { ApiError } from '../../common/errors/api-errors';
import { CreateLeadCommand } from '../create-lead/create-lead.handler';
import { LeadFieldsValue } from '../lead-fields';

/** A row to import: its fields, or why they could not even be read. */
export type ImportRow = { row: number; email: string } & ({ fields: LeadFieldsValue } | { problem: string });

export type ImportLeadsOutcome = {
  created: number;
  duplicates: number;
  invalid: { row: number; email: string; reason: string }[];
  invalidCount: number;
  /** Position of the last lead created, for read-your-writes. */
  position: string | null;
};

export const MAX_INVALID_LISTED = 1000;
/** Leads created at once; each is its own stream, so they do not contend. */
const CONCURRENCY = 8;

export class ImportLeadsCommand extends Command<ImportLeadsOutcome> {
  constructor(
    readonly actor: Actor,
    readonly rows: AsyncIterable<ImportRow> | Iterable<ImportRow>,
  ) {
    super();
  }
}

/** A row the lead decider (or the event schema) refuses is reported; anything else stops the import. */
function rowRefusal(error: unknown): string | null {
  if (error instanceof DomainError && error.kind === 'BAD_INPUT') return error.message;
  if (error instanceof ApiError && error.code === 'BAD_USER_INPUT') return error.message;
  if (error instanceof InvalidEventPayload) return error.message;
  return null;
}

/** The counts of an import as rows finish, in any order. */
class Tally {
  readonly outcome: ImportLeadsOutcome = { created: 0, duplicates: 0, invalid: [], invalidCount: 0, position: null };

  constructor(private readonly store: EventStore) {}

  created(position: string | null): void {
    this.outcome.created++;
    if (position && (!this.outcome.position || this.store.comparePositions(position, this.outcome.position) > 0)) this.outcome.position = position;
  }

  duplicate(): void {
    this.outcome.duplicates++;
  }

  invalid(row: ImportRow, reason: string): void {
    this.outcome.invalidCount++;
    if (this.outcome.invalid.length < MAX_INVALID_LISTED) this.outcome.invalid.push({ row: row.row, email: row.email, reason });
  }

  result(): ImportLeadsOutcome {
    this.outcome.invalid.sort((a, b) => a.row - b.row);
    return this.outcome;
  }
}

/**
 * Creates each row as its own CreateLead command. Duplicates need no lookup table: a lead's id
 * derives from its address, so a second row with the same address, in this import or from an
 * earlier one, lands on the existing stream and is refused as LEAD.DUPLICATE_EMAIL.
 */
@CommandHandler(ImportLeadsCommand)
export class ImportLeadsHandler implements ICommandHandler<ImportLeadsCommand> {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ actor, rows }: ImportLeadsCommand): Promise<ImportLeadsOutcome> {
    const tally = new Tally(this.store);
    // Rows of one address run one after the other, in file order, so the first of them is the
    // one created. Only addresses in flight are tracked: memory stays constant.
    const inFlight = new Map<string, Promise<void>>();
    await forEachConcurrently(rows, CONCURRENCY, async (row) => {
      if ('problem' in row) return tally.invalid(row, row.problem);
      const key = normaliseEmail(row.fields.email);
      const earlier = inFlight.get(key);
      let finished!: () => void;
      const mine = new Promise<void>((resolve) => (finished = resolve));
      inFlight.set(key, mine);
      try {
        await earlier;
        await this.createOne(actor, row.fields, row, tally);
      } finally {
        finished();
        if (inFlight.get(key) === mine) inFlight.delete(key);
      }
    });
    return tally.result();
  }

  private async createOne(actor: Actor, fields: LeadFieldsValue, row: ImportRow, tally: Tally): Promise<void> {
    try {
      const { position } = await this.commandBus.execute(new CreateLeadCommand(actor, fields, 'IMPORT'));
      tally.created(position);
    } catch (error) {
      if (error instanceof LeadAlreadyExists) return tally.duplicate();
      const reason = rowRefusal(error);
      if (reason === null) throw error;
      tally.invalid(row, reason);
    }
  }
}
