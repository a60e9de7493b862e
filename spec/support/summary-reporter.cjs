'use strict';
// Mocha's spec reporter, plus the one plain line CI reads: "N passed, N failed, N skipped".
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const parts = [`${s.passes || 0} passed`, `${s.failures || 0} failed`];
      if (s.pending) parts.push(`${s.pending} skipped`);
      process.stdout.write(`${parts.join(', ')}\n`);
    });
  }
}

module.exports = SummaryReporter;
