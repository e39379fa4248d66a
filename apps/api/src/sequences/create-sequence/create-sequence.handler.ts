import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Facts } from '@app/application';
import { sequenceDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { v7 as uuidv7 } from 'uuid';
import { Actor } from '../../common/auth/actor';
import { CreateSequenceInput } from './create-sequence.input';

export class CreateSequenceCommand extends Command<{ sequenceId: string; position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: CreateSequenceInput,
  ) {
    super();
  }
}

@CommandHandler(CreateSequenceCommand)
export class CreateSequenceHandler implements ICommandHandler<CreateSequenceCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly facts: Facts,
  ) {}

  /**
   * The templates a step names are checked against their own streams, not the templates read
   * model: a template created a moment ago is usable at once, whatever the projection's lag.
   */
  private async knownTemplateIds(workspaceId: string, input: CreateSequenceInput): Promise<Set<string>> {
    const named = new Set(input.steps.flatMap((step) => [step.templateId, ...(step.variants ?? []).map((v) => v.templateId)]).filter((id): id is string => id !== undefined));
    const known = new Set<string>();
    await Promise.all(
      [...named].map(async (templateId) => {
        const template = await this.facts.template(templateId);
        if (template.status === 'active' && template.workspaceId === workspaceId) known.add(templateId);
      }),
    );
    return known;
  }

  async execute({ actor, input }: CreateSequenceCommand): Promise<{ sequenceId: string; position: string | null }> {
    const sequenceId = uuidv7();
    const outcome = await this.commands.execute({
      name: 'CreateSequence',
      streamId: streams.sequence(sequenceId),
      decider: sequenceDecider,
      command: async () => ({
        type: 'CreateSequence' as const,
        sequenceId,
        workspaceId: actor.workspaceId,
        name: input.name,
        steps: input.steps.map((step) => ({
          delay: step.delay,
          condition: step.condition,
          templateId: step.templateId ?? undefined,
          variants: step.variants?.map((v) => ({ templateId: v.templateId, weight: v.weight ?? undefined })),
        })),
        knownTemplateIds: await this.knownTemplateIds(actor.workspaceId, input),
        now: this.commands.now(),
      }),
    });
    return { sequenceId, position: outcome.appended?.position ?? null };
  }
}
