/**
 * The engine's dependency rules, as an ESLint rule that `npm run lint` applies to lib/:
 * - lib never imports nodes/ or credentials/, nor n8n's node API (n8n-workflow, n8n-core);
 * - the folders of lib/ stand on floors, and a folder imports only from the floors below its own:
 *     records (field mappings, values, paths) < store < transport < platforms < every capability;
 *   so the platforms never import a capability, and the ground never imports anything above it;
 * - a capability (every other folder of lib/: sync, conflict, inventory, payments, routing, metering, marketing…)
 *   never imports another capability: what two of them share moves down to records, store or transport.
 * A file directly in lib/ (the migrations list) gathers the capabilities and may import any of them.
 * And a node (nodes/<Name>/) enters the engine through one door: a capability's entry (`lib/<capability>`, its
 * index.ts) or nodes/shared, the n8n glue, which alone reaches platforms, store and transport.
 */
const fs = require('node:fs');
const path = require('node:path');

const FLOORS = ['records', 'store', 'transport', 'platforms'];
const CAPABILITY_FLOOR = FLOORS.length;
const N8N_NODE_API = /^(n8n-workflow|n8n-core)(\/|$)/;

/**
 * The folder of lib/ a repo-relative path lies in (`lib/sync/push` or the folder itself, `lib/payments`, imported
 * through its index), or undefined outside lib/ and for a file directly in it (`lib/migrations`).
 */
function libFolder(repoPath, root) {
	const parts = repoPath.split('/');
	if (parts[0] !== 'lib' || parts.length < 2) return undefined;
	if (parts.length > 2) return parts[1];
	return fs.existsSync(path.join(root, 'lib', parts[1])) && fs.statSync(path.join(root, 'lib', parts[1])).isDirectory() ? parts[1] : undefined;
}

function floorOf(folder) {
	const floor = FLOORS.indexOf(folder);
	return floor === -1 ? CAPABILITY_FLOOR : floor;
}

/** Why a node file may not import `to` (a repo path): anything of lib/ but a capability's entry. */
function nodeViolation(root, from, to) {
	const parts = to.split('/');
	if (parts[0] !== 'lib') return undefined;
	const folder = libFolder(to, root);
	const entry = parts.length === 2 || (parts.length === 3 && parts[2] === 'index');
	if (folder && entry && floorOf(folder) === CAPABILITY_FLOOR) return undefined;
	const node = from.split('/').slice(0, 2).join('/');
	return `a node enters the engine only through a capability's entry (lib/<capability>) or nodes/shared: ${node} imports ${to}`;
}

/** Whether a file is node code held to the one door (nodes/shared is the glue beneath the nodes). */
function isNodeFile(from) {
	return from.startsWith('nodes/') && !from.startsWith('nodes/shared/');
}

/** Why `from` (a file) may not import `to` (a path, or a package name), both relative to `root`; undefined when it may. */
function violation(root, from, to, isPackage) {
	if (isNodeFile(from)) return isPackage ? undefined : nodeViolation(root, from, to);
	if (!from.startsWith('lib/')) return undefined;
	if (isPackage) return N8N_NODE_API.test(to) ? `the engine knows nothing of n8n's node API: lib/ never imports ${to}` : undefined;
	const top = to.split('/')[0];
	if (top === 'nodes' || top === 'credentials') return `the engine never imports ${top}/ (dependencies point nodes -> lib)`;
	const source = libFolder(from, root);
	const target = libFolder(to, root);
	if (!source || !target || source === target) return undefined;
	const sourceFloor = floorOf(source);
	const targetFloor = floorOf(target);
	if (sourceFloor === CAPABILITY_FLOOR && targetFloor === CAPABILITY_FLOOR) {
		return `capabilities do not import one another: lib/${source} imports lib/${target}; move what they share down to lib/records, lib/store or lib/transport`;
	}
	if (targetFloor >= sourceFloor) {
		const what = targetFloor === CAPABILITY_FLOOR ? `the capability lib/${target}` : `lib/${target}`;
		return `lib/${source} stands below ${what} and never imports it (floors: ${FLOORS.join(' < ')} < capabilities)`;
	}
	return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const dependencyDirection = {
	meta: {
		type: 'problem',
		docs: { description: 'Imports point down the layers: nodes -> capability entries -> platforms -> transport -> store -> records' },
		schema: [{ type: 'object', properties: { root: { type: 'string' } }, required: ['root'], additionalProperties: false }],
		messages: { layer: '{{why}}' },
	},
	create(context) {
		const root = context.options[0].root;
		const from = path.relative(root, context.filename).split(path.sep).join('/');
		if (!from.startsWith('lib/') && !isNodeFile(from)) return {};
		const check = (node, source) => {
			if (!source || typeof source.value !== 'string') return;
			const spec = source.value;
			const relativeSpec = spec.startsWith('.');
			const to = relativeSpec ? path.relative(root, path.resolve(path.dirname(context.filename), spec)).split(path.sep).join('/') : spec;
			const why = violation(root, from, to, !relativeSpec);
			if (why) context.report({ node: source, messageId: 'layer', data: { why } });
		};
		return {
			ImportDeclaration: (node) => check(node, node.source),
			ExportNamedDeclaration: (node) => check(node, node.source),
			ExportAllDeclaration: (node) => check(node, node.source),
			ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : undefined),
			TSImportEqualsDeclaration: (node) => check(node, node.moduleReference.type === 'TSExternalModuleReference' ? node.moduleReference.expression : undefined),
			CallExpression: (node) => {
				if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0]);
			},
		};
	},
};

module.exports = { rules: { 'dependency-direction': dependencyDirection }, violation, FLOORS };
