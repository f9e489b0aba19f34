import type { Message } from "../messages.ts";
import type { Token } from "../model-intelligence.ts";
import type { TokenCount } from "../responses.ts";
import type { ToolDefinition } from "../tools.ts";
import type { CallRequestV1 } from "./call-request-v1.ts";
import type { ResultMetadataV1 } from "./response-metadata-v1.ts";
import type { WarningV1 } from "./warning-v1.ts";

/** A token-counting call. */
export interface TokenCountingRequestV1 extends CallRequestV1 {
  /** The text to count. */
  readonly text: string;
  /** Accept a count marked approximate (a tokenizer of a related model) instead of failing. */
  readonly allowApproximate?: boolean;
}

/** The count, and whether it is exact for this model. */
export interface TokenCountingResultV1 extends ResultMetadataV1, TokenCount {}

/** Counting a whole chat request: messages, and the tools it carries. */
export interface ChatTokenCountingRequestV1 extends CallRequestV1 {
  /** The conversation to count. */
  readonly messages: readonly Message[];
  /** The tools the request carries (their definitions take tokens too). */
  readonly tools?: readonly ToolDefinition[];
  /** Accept a count marked approximate (a tokenizer of a related model) instead of failing. */
  readonly allowApproximate?: boolean;
}

/** The tokens of a text, with their offsets. */
export interface TokenizeResultV1 extends ResultMetadataV1 {
  /** The tokens, in order, with their UTF-16 offsets into the text. */
  readonly tokens: readonly Token[];
  /** True when the tokenizer is not the model's own. */
  readonly approximate: boolean;
  /** What tokenized: a tokenizer name or a provider endpoint. */
  readonly source: string;
}

/** The token-counting capability. Long texts must yield to the event loop and honour `signal`. */
export interface TokenCountingModelV1 {
  /**
   * The number of tokens `request.text` takes for `request.model`, marked
   * `approximate` when the tokenizer that counted is not the model's own.
   */
  countTokens(request: TokenCountingRequestV1): Promise<TokenCountingResultV1>;
  /**
   * The warnings this request would produce, without sending anything (pure:
   * no I/O, no state). The gateway calls it in strict mode, before the first
   * attempt on this provider, and fails the call with `invalid_input` if
   * there are any. Absent: the provider never warns before seeing the answer.
   */
  warningsFor?(request: TokenCountingRequestV1): readonly WarningV1[];
  /**
   * The tokens of `request.text` (ids, token strings, UTF-16 offsets into
   * the text). Absent: the provider only counts.
   */
  tokenize?(request: TokenCountingRequestV1): Promise<TokenizeResultV1>;
  /**
   * The tokens a whole chat request takes (messages, tools, the template or
   * accounting around them, the reply's priming). Absent: the gateway
   * cannot fit requests to a context window through this provider.
   */
  countChatTokens?(request: ChatTokenCountingRequestV1): Promise<TokenCountingResultV1>;
}
