import { Command } from 'commander';
import { createFrontdesk } from '../app.js';
import { FrontdeskError } from '../errors.js';
import { createLogger } from '../logger.js';
import { boot, channelsIn } from './boot.js';
import { runTerminalChat } from './chat.js';
import { registerFlowsCommands } from './flows-commands.js';
// --- knowledge (issue 4) ---
import { prepareKnowledge, registerKnowledgeCommands } from './knowledge-commands.js';
// --- end knowledge ---

const program = new Command()
  .name('frontdesk')
  .description('Frontdesk: one customer-service bot for web chat, SMS, Slack and Teams.')
  .showHelpAfterError();

program
  .command('start', { isDefault: true })
  .description('Serve the bot over HTTP with every configured channel (web chat is always on).')
  .action(async () => {
    const booted = await boot();
    // --- knowledge (issue 4): ingest what changed, train the router, provide searchKnowledge ---
    const knowledge = await prepareKnowledge(booted, { logger: createLogger({ level: booted.config.LOG_LEVEL }) });
    const app = await createFrontdesk({ ...booted, channels: await channelsIn(booted.rootDirectory), services: knowledge.services, classify: knowledge.classify });
    // --- end knowledge ---
    const { url, recovered } = await app.start();
    app.logger.info({ url, channels: [...app.adapters.keys()], flows: booted.flows.flows.map((flow) => flow.id), recovered }, 'Frontdesk is running');
    console.log(`\nFrontdesk is serving ${booted.config.FRONTDESK_BUSINESS_NAME}'s bot at ${url}  (channels: ${[...app.adapters.keys()].join(', ')})\n`);
    const shutdown = async (signal: string) => {
      app.logger.info({ signal }, 'shutting down');
      await app.stop();
      knowledge.close(); // knowledge (issue 4)
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });

program
  .command('chat')
  .description('Talk to the bot in this terminal, through the same runtime and store.')
  .action(async () => {
    const booted = await boot();
    // --- knowledge (issue 4) ---
    const knowledge = await prepareKnowledge(booted);
    await runTerminalChat({ ...booted, services: knowledge.services, classify: knowledge.classify });
    knowledge.close();
    // --- end knowledge ---
  });

// --- knowledge (issue 4) ---
registerKnowledgeCommands(program);
// --- end knowledge ---

registerFlowsCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof FrontdeskError) {
    console.error(`\n${error.code}: ${error.message}\n`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
