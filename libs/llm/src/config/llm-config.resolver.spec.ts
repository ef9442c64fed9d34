import 'reflect-metadata';
import { inspect } from 'node:util';
import { ConfigEntry, ConfigIssue } from '@userscope/runtime';
import { PerUserChatAgentConfig } from '../chat-agent/per-user-chat-agent.dto';
import { OpenAiLlmConfig } from './openai-llm.config';
import { llmReferenceIssues, resolveLlmConfigs } from './llm-config.resolver';

function resolve(section: unknown) {
  const issues: ConfigIssue[] = [];
  const configs = resolveLlmConfigs(section, issues);
  return { configs, issues };
}

describe('the llms: section', () => {
  it('builds each LLM with its defaults', () => {
    const { configs, issues } = resolve({
      main: { _type: 'openai', model_name: 'gpt-4o-mini', api_key: 'sk-secret', timeout: '30s', retry_initial_delay: '250ms' },
      demo: { _type: 'echo' },
    });
    expect(issues).toEqual([]);
    expect(configs.map(({ name, type }) => ({ name, type }))).toEqual([
      { name: 'main', type: 'openai' },
      { name: 'demo', type: 'echo' },
    ]);
    const main = configs[0].config as OpenAiLlmConfig;
    expect(main).toMatchObject({ model_name: 'gpt-4o-mini', timeout: 30, retry_initial_delay: 0.25, max_retries: 2, retry_max_delay: 20, structured_output: 'auto' });
    expect(configs[1].config).toEqual({ model_name: 'echo' });
  });

  it('keeps the API key readable but out of JSON, logs and spreads', () => {
    const [main] = resolve({ main: { _type: 'openai', model_name: 'm', api_key: 'sk-secret' } }).configs;
    expect((main.config as OpenAiLlmConfig).api_key).toBe('sk-secret');
    expect(JSON.stringify(main.config)).not.toContain('sk-secret');
    expect(inspect(main.config)).not.toContain('sk-secret');
    expect({ ...main.config }).not.toHaveProperty('api_key');
  });

  it('reports every problem under llms.<name>.<key>, and an unknown _type lists the known ones', () => {
    const { configs, issues } = resolve({
      typo: { _type: 'opnai' },
      untyped: { model_name: 'x' },
      nokey: { _type: 'openai', model_name: 'm' },
      bad: { _type: 'openai', model_name: '', api_key: 'k', temperature: 3, base_url: 'not a url', max_retries: -1, timeout: 'soon', colour: 'red' },
      'bad name!': { _type: 'echo' },
      scalar: 'openai',
    });
    expect(configs).toEqual([]);
    const paths = issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        "llms.typo._type: unknown LLM _type 'opnai'. Known LLM types: openai, echo.",
        "llms.untyped._type: '_type' is required: it names the kind of LLM (openai, echo).",
        expect.stringMatching(/^llms\.nokey\.api_key: api_key is required: read it from the environment, e\.g\. api_key: \$\{OPENAI_API_KEY\}/),
        'llms.bad.model_name: should not be empty',
        'llms.bad.temperature: must not be greater than 2',
        'llms.bad.base_url: must be an http(s) URL, e.g. https://api.openai.com/v1',
        'llms.bad.max_retries: must not be less than 0',
        expect.stringMatching(/^llms\.bad\.timeout: must be a duration/),
        expect.stringMatching(/^llms\.bad\.colour: unknown key 'colour' for OpenAiLlmConfig; known keys: model_name, base_url, api_key/),
        'llms.bad name!: LLM names may use letters, digits, _ - . only',
        'llms.scalar: must be a mapping with a _type key, e.g. _type: openai',
      ]),
    );
    expect(paths.join('\n')).not.toContain("'k'");
  });
});

describe('llms.<name>.rate_limit', () => {
  it('takes requests_per_minute and tokens_per_minute, on any _type', () => {
    const { configs, issues } = resolve({
      main: { _type: 'openai', model_name: 'm', api_key: 'k', rate_limit: { requests_per_minute: 60, tokens_per_minute: 90000 } },
      demo: { _type: 'echo', rate_limit: { requests_per_minute: 5 } },
      free: { _type: 'echo' },
    });
    expect(issues).toEqual([]);
    expect(configs.map(({ name, rateLimit }) => ({ name, rateLimit: rateLimit && { ...rateLimit } }))).toEqual([
      { name: 'main', rateLimit: { requests_per_minute: 60, tokens_per_minute: 90000 } },
      { name: 'demo', rateLimit: { requests_per_minute: 5 } },
      { name: 'free', rateLimit: undefined },
    ]);
  });

  it('reports a limit that is not a positive whole number, an unknown key, and a rate_limit that limits nothing, by key path', () => {
    const { configs, issues } = resolve({
      zero: { _type: 'echo', rate_limit: { requests_per_minute: 0 } },
      half: { _type: 'echo', rate_limit: { tokens_per_minute: 1.5 } },
      text: { _type: 'echo', rate_limit: { requests_per_minute: 'many' } },
      typo: { _type: 'echo', rate_limit: { request_per_minute: 10 } },
      empty: { _type: 'echo', rate_limit: {} },
      scalar: { _type: 'echo', rate_limit: 60 },
    });
    expect(configs).toEqual([]);
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'llms.zero.rate_limit.requests_per_minute: must not be less than 1',
      'llms.half.rate_limit.tokens_per_minute: must be a whole number of tokens, e.g. tokens_per_minute: 100000',
      'llms.text.rate_limit.requests_per_minute: must not be less than 1',
      'llms.text.rate_limit.requests_per_minute: must be a whole number of calls, e.g. requests_per_minute: 60',
      "llms.typo.rate_limit.request_per_minute: unknown key 'request_per_minute' for LlmRateLimitConfig; known keys: requests_per_minute, tokens_per_minute",
      'llms.typo.rate_limit: must set requests_per_minute or tokens_per_minute (or leave rate_limit out)',
      'llms.empty.rate_limit: must set requests_per_minute or tokens_per_minute (or leave rate_limit out)',
      'llms.scalar.rate_limit: must be a mapping, e.g. rate_limit: { requests_per_minute: 60 }',
    ]);
  });
});

describe('fields that name an LLM (@LlmRef)', () => {
  /** A chat agent entry as the file has it, naming `llm`. */
  const agent = (path: string, llm: string): ConfigEntry => ({
    path,
    settings: { _type: 'per_user_chat_agent', llm_name: llm },
    configClass: PerUserChatAgentConfig,
  });

  it('must name a configured LLM, wherever the function is configured', () => {
    const issues = llmReferenceIssues({ main: { _type: 'echo' } }, [
      agent('functions.helper', 'main'),
      agent('functions.other', 'gpt'),
      agent('workflow', 'missing'),
    ]);
    expect(issues).toEqual([
      { path: 'functions.other.llm_name', message: "refers to LLM 'gpt', which is not configured (configured LLMs: main)" },
      { path: 'workflow.llm_name', message: "refers to LLM 'missing', which is not configured (configured LLMs: main)" },
    ]);
  });

  it('says when there is no llms: section at all', () => {
    expect(llmReferenceIssues(undefined, [agent('workflow', 'main')])).toEqual([
      { path: 'workflow.llm_name', message: "refers to LLM 'main', which is not configured (configured LLMs: none)" },
    ]);
  });
});
