import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSupportedRuntime, runtimeProblem, SUPPORTED_NODE_MAJOR, UnsupportedRuntimeError } from './runtime';

const packageJson = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('the Node runtime', () => {
  it('accepts any release of the supported major', () => {
    expect(runtimeProblem('24.0.0')).toBeUndefined();
    expect(runtimeProblem('v24.21.0')).toBeUndefined();
  });

  it('refuses another major and says how to get the right one', () => {
    expect(runtimeProblem('20.20.2')).toBe(
      'runs on Node 24, not Node 20.20.2: start it through npm (npm start, npm test, npm run …), which uses the Node 24 that npm ci installed into node_modules',
    );
    expect(runtimeProblem('v26.1.0')).toMatch(/^runs on Node 24, not Node 26\.1\.0/);
    expect(() => assertSupportedRuntime('22.22.0')).toThrow(UnsupportedRuntimeError);
  });

  it('is the major package.json pins and states in engines', () => {
    expect(packageJson.devDependencies.node).toMatch(new RegExp(`^${SUPPORTED_NODE_MAJOR}\\.\\d+\\.\\d+$`));
    expect(packageJson.engines.node).toBe(`${SUPPORTED_NODE_MAJOR}.x`);
  });

  it('is the one running this test: npm test runs on the pinned Node, not the one that runs npm', () => {
    expect(process.versions.node).toBe(packageJson.devDependencies.node);
    expect(runtimeProblem(process.versions.node)).toBeUndefined();
  });
});
