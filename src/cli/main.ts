// Must stay the first import: it sets a V8 flag before the rest of the process allocates (see the file).
import './gc-tuning.js';
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
// --- admin dashboard (issue 9) ---
import { resolve } from 'node:path';
import { createDashboardKnowledge } from '../admin/knowledge-hook.js';
import { readKnowledgeSettings } from '../knowledge/settings.js';
// --- end admin dashboard ---

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
    // --- admin dashboard (issue 9): "add as FAQ" appends to the knowledge folder and re-ingests it ---
    const admin = { knowledge: createDashboardKnowledge({ knowledge: knowledge.knowledge, knowledgeDirectory: resolve(booted.rootDirectory, readKnowledgeSettings(process.env).FRONTDESK_KNOWLEDGE_DIR) }) };
    // --- end admin dashboard ---
    const app = await createFrontdesk({ ...booted, channels: await channelsIn(booted.rootDirectory), services: knowledge.services, classify: knowledge.classify, admin });
    // --- end knowledge ---
    const { url, recovered } = await app.start();
    app.logger.info({ url, channels: [...app.adapters.keys()], flows: booted.flows.flows.map((flow) => flow.id), recovered, dashboard: app.admin?.access.mode ?? 'off' }, 'Frontdesk is running');
    console.log(`\nFrontdesk is serving the ${booted.config.FRONTDESK_BUSINESS_NAME} bot at ${url}  (channels: ${[...app.adapters.keys()].join(', ')})\n`);
    // --- admin dashboard (issue 9): the one-time link goes to the console only, never to the structured log ---
    const access = app.admin?.access;
    if (access?.mode === 'generated') console.log(`Owner dashboard: ${url}/admin#token=${access.token}  (one-time token for this run; set FRONTDESK_ADMIN_TOKEN to keep one)\n`);
    else if (access?.mode === 'token') console.log(`Owner dashboard: ${url}/admin  (sign in with FRONTDESK_ADMIN_TOKEN)\n`);
    else if (access?.mode === 'refused') console.log(`Owner dashboard: off. ${access.reason}\n`);
    // --- end admin dashboard ---
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
