/**
 * The engine's layers: the lint rule `npm run lint` applies to lib/ refuses each kind of wrong import (shown here on
 * imports written for the test), and the package has no import cycle at file or folder level.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Linter, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describeCycles, directoryOf, findCycles, folderGraph, readImportGraph } from '../support/importGraph';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const layers = require('../../scripts/eslint-layers.cjs') as { rules: Record<string, import('eslint').Rule.RuleModule> };

const repo = resolve(__dirname, '../..');

describe('the layer rule of the lint', () => {
	const tester = new RuleTester({ languageOptions: { parser: tseslint.parser as never } });
	const at = (file: string) => join(repo, file);
	const options = [{ root: repo }];
	const refused = (file: string, code: string, message: string | RegExp) => ({ filename: at(file), code, options, errors: [{ message }] });

	tester.run('layers/dependency-direction', layers.rules['dependency-direction'], {
		valid: [
			// Capabilities stand on platforms, transport, store and records; each imports its own files freely.
			{ filename: at('lib/sync/sync.ts'), code: "import { x } from '../platforms/crm'; import '../records/paths'; import './push';", options },
			{ filename: at('lib/inventory/fanOut.ts'), code: "import '../transport'; import '../store/types'; import './movements';", options },
			// Platforms stand on transport and records; a vendor folder imports the platform contracts beside it.
			{ filename: at('lib/platforms/hubspot/crm.ts'), code: "import '../crm'; import '../../records/mapping'; import '../../transport/types';", options },
			{ filename: at('lib/transport/transport.ts'), code: "import '../store/rateBuckets';", options },
			{ filename: at('lib/store/reviews.ts'), code: "import '../records/paths';", options },
			// The migrations list gathers every capability.
			{ filename: at('lib/migrations.ts'), code: "import '../lib/sync/migrations'; import './conflict/migrations';", options },
			// Packages other than n8n's node API are not this rule's business.
			{ filename: at('lib/metering/periods.ts'), code: "import { DateTime } from 'luxon'; import 'node:crypto';", options },
			// A node enters the engine through a capability's entry, or through nodes/shared, which may reach any layer.
			{ filename: at('nodes/CrmSync/CrmSync.node.ts'), code: "import 'n8n-workflow'; import '../../lib/sync'; import '../shared/errors';", options },
			{ filename: at('nodes/InventoryFanOut/actions/apply.operation.ts'), code: "import '../../../lib/inventory/index'; import './properties'; import '../../CrmSync/actions/properties';", options },
			// Event Router, Usage Meter and Conflict Resolver enter through openRouting, openMetering and openConflict.
			{ filename: at('nodes/EventRouter/actions/routeLog.operation.ts'), code: "import { openRouting } from '../../../lib/routing'; import '../../shared/engineContext';", options },
			{ filename: at('nodes/UsageMeter/actions/engine.ts'), code: "import { openMetering } from '../../../lib/metering';", options },
			{ filename: at('nodes/ConflictResolver/actions/decide.operation.ts'), code: "import { openConflict } from '../../../lib/conflict/index';", options },
			{ filename: at('nodes/shared/engineContext.ts'), code: "import '../../lib/platforms/catalog'; import '../../lib/store'; import '../../lib/transport';", options },
			// Tests and scripts are not held to it.
			{ filename: at('test/engine/payments.test.ts'), code: "import '../../lib/payments/router';", options },
		],
		invalid: [
			refused('lib/platforms/hubspot/crm.ts', "import type { FieldMapping } from '../../sync/mapping';", /lib\/platforms stands below the capability lib\/sync/),
			refused('lib/platforms/catalog.ts', "export { x } from '../payments/config';", /lib\/platforms stands below the capability lib\/payments/),
			refused('lib/conflict/twoWay.ts', "import { setPath } from '../sync/mapping';", /capabilities do not import one another: lib\/conflict imports lib\/sync/),
			refused('lib/marketing/fanOut.ts', "const m = require('../sync/push');", /capabilities do not import one another/),
			refused('lib/inventory/fanOut.ts', "const p = import('../payments');", /capabilities do not import one another/),
			refused('lib/sync/sync.ts', "import { x } from '../../nodes/shared/errors';", 'the engine never imports nodes/ (dependencies point nodes -> lib)'),
			refused('lib/payments/router.ts', "import '../../credentials/IntegrationStripeApi.credentials';", /the engine never imports credentials\//),
			refused('lib/routing/router.ts', "import { NodeApiError } from 'n8n-workflow';", "the engine knows nothing of n8n's node API: lib/ never imports n8n-workflow"),
			refused('lib/store/open.ts', "import type { IExecuteFunctions } from 'n8n-core';", /lib\/ never imports n8n-core/),
			refused('lib/transport/retry.ts', "import '../platforms/catalog';", /lib\/transport stands below lib\/platforms/),
			refused('lib/store/stateStore.ts', "import '../metering/money';", /lib\/store stands below the capability lib\/metering/),
			refused('lib/records/mapping.ts', "import '../store/types';", /lib\/records stands below lib\/store/),
			refused('nodes/CrmSync/actions/push.operation.ts', "import { pushRecords } from '../../../lib/sync/push';", /a node enters the engine only through a capability's entry \(lib\/<capability>\) or nodes\/shared: nodes\/CrmSync imports lib\/sync\/push/),
			refused('nodes/CrmSync/actions/properties.ts', "import { platformCatalog } from '../../../lib/platforms/catalog';", /nodes\/CrmSync imports lib\/platforms\/catalog/),
			refused('nodes/UsageMeter/UsageMeter.node.ts', "import type { StateStore } from '../../lib/store';", /nodes\/UsageMeter imports lib\/store/),
			refused('nodes/EventRouter/actions/routeLog.operation.ts', "import { RoutingRepository } from '../../../lib/routing/repository';", /nodes\/EventRouter imports lib\/routing\/repository/),
			refused('nodes/UsageMeter/actions/engine.ts', "import { UsageMeter } from '../../../lib/metering/meter';", /nodes\/UsageMeter imports lib\/metering\/meter/),
			refused('nodes/ConflictResolver/actions/decide.operation.ts', "import { decideReview } from '../../../lib/conflict/twoWay';", /nodes\/ConflictResolver imports lib\/conflict\/twoWay/),
			refused('nodes/ConflictResolver/actions/resolve.operation.ts', "import { getPath } from '../../../lib/records/paths';", /imports lib\/records\/paths/),
		],
	});
});

describe('the code', () => {
	it('keeps the layer rule in every file of lib/', () => {
		const linter = new Linter({ cwd: repo });
		const config = [{
			files: ['lib/**/*.ts'],
			languageOptions: { parser: tseslint.parser as never },
			plugins: { layers },
			rules: { 'layers/dependency-direction': ['error', { root: repo }] as Linter.RuleEntry },
		}];
		// The same set-up does refuse a wrong import, so an empty list below means the files keep the rule.
		expect(linter.verify("import '../sync/push';", config, join(repo, 'lib/platforms/crm.ts'))).toHaveLength(1);
		const files = [...readImportGraph(repo, ['lib']).keys()];
		expect(files.length).toBeGreaterThan(100);
		const problems = files.flatMap((file) => linter.verify(readFileSync(join(repo, file), 'utf8'), config, join(repo, file))
			.map((message) => `${file}:${message.line} ${message.message}`));
		expect(problems).toEqual([]);
	});

	it('keeps every node to the one door: capability entries and nodes/shared', () => {
		const linter = new Linter({ cwd: repo });
		const config = [{
			files: ['nodes/**/*.ts'],
			languageOptions: { parser: tseslint.parser as never },
			plugins: { layers },
			rules: { 'layers/dependency-direction': ['error', { root: repo }] as Linter.RuleEntry },
		}];
		expect(linter.verify("import '../../../lib/platforms/catalog';", config, join(repo, 'nodes/CrmSync/actions/properties.ts'))).toHaveLength(1);
		const files = [...readImportGraph(repo, ['nodes']).keys()].filter((file) => !file.startsWith('nodes/shared/'));
		expect(files.length).toBeGreaterThan(50);
		// Only this rule's findings: the files' disable comments name n8n's rules, which this set-up does not load.
		const problems = files.flatMap((file) => linter.verify(readFileSync(join(repo, file), 'utf8'), config, join(repo, file))
			.filter((message) => message.ruleId === 'layers/dependency-direction')
			.map((message) => `${file}:${message.line} ${message.message}`));
		expect(problems).toEqual([]);
	});
});

describe('import cycles', () => {
	it('finds a cycle between files and between the folders they lie in (a test over a fixture)', () => {
		const root = mkdtempSync(join(tmpdir(), 'cycles-'));
		const write = (file: string, text: string) => {
			mkdirSync(dirname(join(root, file)), { recursive: true });
			writeFileSync(join(root, file), text);
		};
		try {
			write('lib/a/one.ts', "import type { Two } from './two';\nexport type One = Two;\n");
			write('lib/a/two.ts', "import { three } from '../b/three';\nexport interface Two { n: number }\nexport const two = three;\n");
			write('lib/a/five.ts', 'export const five = 5;\n');
			write('lib/b/three.ts', "export const three = 3;\nexport const later = () => import('../a/five');\n");
			write('lib/b/four.ts', "export const four = require('./three');\n");
			const files = readImportGraph(root, ['lib']);
			expect(findCycles(files)).toEqual([]);
			const folders = folderGraph(files);
			expect(findCycles(folders)).toEqual([['lib/a', 'lib/b']]);
			expect(describeCycles(folders, findCycles(folders))).toContain('lib/b -> lib/a');
			// A directory and the directories inside it count apart: lib/b/deep imports lib/b, which imports it back.
			write('lib/b/deep/five.ts', "import { four } from '../four';\nexport const five = four;\n");
			write('lib/b/six.ts', "export { five } from './deep/five';\n");
			const directories = folderGraph(readImportGraph(root, ['lib']), directoryOf);
			expect(findCycles(directories)).toEqual([['lib/a', 'lib/b', 'lib/b/deep']]);
			expect(describeCycles(directories, findCycles(directories))).toContain('lib/b/deep -> lib/b');

			write('lib/a/two.ts', "import type { One } from './one';\nexport interface Two { n: number }\nexport type Again = One;\n");
			expect(findCycles(readImportGraph(root, ['lib']))).toEqual([['lib/a/one.ts', 'lib/a/two.ts']]);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});

	it('the package has none: no file, folder or directory of lib/, nodes/ or credentials/ imports itself through others', () => {
		const files = readImportGraph(repo, ['lib', 'nodes', 'credentials']);
		expect(files.size).toBeGreaterThan(200);
		expect(files.get('lib/sync/sync.ts')).toContain('lib/sync/push.ts');
		const folders = folderGraph(files);
		// Directory by directory too: the catalog (lib/platforms/catalog/) gathers the vendor folders, which implement
		// the platform contracts of lib/platforms and never import the catalog.
		const directories = folderGraph(files, directoryOf);
		expect(describeCycles(files, findCycles(files))).toBe('');
		expect(describeCycles(folders, findCycles(folders))).toBe('');
		expect(describeCycles(directories, findCycles(directories))).toBe('');
	});
});
