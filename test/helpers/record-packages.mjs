// Loaded with `--import` (through NODE_OPTIONS): appends the name of every npm package the process imports to the
// file named by FRONTDESK_TEST_PACKAGES_FILE, so a test can see what a real start-up loads.
import { register } from 'node:module';

register(new URL('./record-packages-hooks.mjs', import.meta.url), { data: { file: process.env.FRONTDESK_TEST_PACKAGES_FILE } });
