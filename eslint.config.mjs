import nx from '@nx/eslint-plugin';

const boundaries = ({ tests }) => {
  const testing = tests ? ['type:testing'] : [];
  return [
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', ...testing] },
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', ...testing] },
    { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure', ...testing] },
    // Local Kafka, PostgreSQL and service processes: for tests and tools, never for a service itself.
    { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra'] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:infra'] },
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:infra', 'type:tool', 'type:testing'] },
    // The browser apps reach the services only through their generated HTTP clients.
    { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:client', ...testing] },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:infra', 'type:tool', 'type:testing'] },
  ];
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.cache', '**/.data', 'reports'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    rules: {
      // Apps never import apps; libraries never import apps; tests' helpers stay out of production code.
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: boundaries({ tests: false }) }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'nestjs-zod',
              importNames: ['createZodDto'],
              message: "use @petalpost/platform's createZodDto: it keeps a DTO's nullable fields nullable in the OpenAPI document",
            },
          ],
        },
      ],
    },
  },
  {
    // The one wrapper of nestjs-zod's createZodDto.
    files: ['libs/platform/src/zod-dto.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tests (and their fixtures) may use libs/testing; production code may not.
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/*.fixture.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: boundaries({ tests: true }) }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The domain is pure: rules only, no framework, database or broker (see docs/architecture.md).
    // Every domain/ folder counts, at any depth (each capability slice has its own), and a decider wherever it sits.
    files: ['apps/*/src/**/domain/**/*.ts', 'apps/*/src/**/*.decider.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'typeorm',
                'pg',
                'kafkajs',
                '@platformatic/kafka',
                'ws',
                '@aws-sdk/*',
                '@petalpost/event-store',
                '@petalpost/kafka',
                '@petalpost/platform',
                '@petalpost/infra',
              ],
              message: 'domain/ is pure: keep frameworks, databases and brokers at the edges.',
            },
          ],
        },
      ],
      // Reading a given time is pure; asking the clock is not: time, ids and randomness come in through the command.
      'no-restricted-syntax': [
        'error',
        // new Date(given) only reads a given instant; new Date() asks the clock.
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'time comes in through the command (now); use Date.parse on given times',
        },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'time comes in through the command (now)' },
        { selector: "CallExpression[callee.name='Date']", message: 'time comes in through the command (now)' },
        {
          selector: "CallExpression[callee.name='randomUUID'], CallExpression[callee.property.name='randomUUID']",
          message: 'ids come in through the command (commandId)',
        },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'randomness comes in through the command' },
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'config comes from libs/platform as a typed object' },
      ],
    },
  },
];
