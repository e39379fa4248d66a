import { Inject, Injectable } from '@nestjs/common';
import { Copilot, OpenAiChatEngine, PromptNames, loadPrompt } from '@app/ai';
import { AppLogger, LOGGER } from '@app/platform';
import { AiSettings, ApiSettings, OFFLINE_AI_SETTINGS } from '../api.config';
import { API_SETTINGS } from '../api.tokens';

/** The copilot this process runs: OpenAI when a key is configured, else the offline generator. */
@Injectable()
export class CopilotService {
  readonly copilot: Copilot;
  readonly settings: AiSettings;

  constructor(@Inject(API_SETTINGS) api: ApiSettings, @Inject(LOGGER) logger: AppLogger) {
    this.settings = api.ai ?? OFFLINE_AI_SETTINGS;
    const openai = this.settings.openai;
    if (openai) {
      // Every prompt file now, not at the first request: a build without them fails at boot.
      for (const name of PromptNames) loadPrompt(name);
      this.copilot = new Copilot(new OpenAiChatEngine(openai, logger.child({ component: 'openai' })));
      logger.info({ model: openai.model, baseURL: openai.baseURL }, 'AI copilot: OpenAI');
    } else {
      this.copilot = new Copilot(null);
      logger.info('AI copilot: offline generator (set OPENAI_API_KEY to use OpenAI)');
    }
  }
}
