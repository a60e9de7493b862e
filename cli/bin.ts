#!/usr/bin/env node
// The `packer-plugin-sdk` executable: a thin launcher so the commands stay importable.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
