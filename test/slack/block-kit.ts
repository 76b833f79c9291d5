/**
 * A strict check of what the bot sends Slack, written from Slack's reference pages: the Block Kit
 * blocks, block elements and composition objects, the message methods (chat.postMessage,
 * chat.update, chat.postEphemeral, response_url), and the modal and Home tab view objects.
 * Slack refuses a payload that breaks any of these with `{ ok: false, error: 'invalid_blocks' }`
 * (or `invalid_arguments` for a broken view) and shows nothing, so the test fake refuses them too.
 * Each function returns the problems found, in words, so a failing test says what Slack would
 * have objected to; an empty list means Slack accepts it.
 */

export type Surface = 'message' | 'modal' | 'home';

type Json = Record<string, unknown>;

/** Limits from the Block Kit reference (docs.slack.dev/reference/block-kit). */
export const limits = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  blockIdLength: 255,
  actionIdLength: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  selectOptions: 100,
  checkboxOptions: 10,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputMaxLength: 3000,
  messageText: 40_000,
} as const;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Problems {
  readonly list: string[] = [];
  add(where: string, what: string): void {
    this.list.push(`${where}: ${what}`);
  }
}

/** A text object: `plain_text` or `mrkdwn`, never empty. `plainOnly` where Slack takes only plain_text. */
function checkText(problems: Problems, where: string, value: unknown, max: number, plainOnly: boolean): void {
  if (!isObject(value)) return problems.add(where, 'must be a text object');
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn')
    return problems.add(where, `text type ${String(value.type)} is not plain_text or mrkdwn`);
  if (plainOnly && value.type !== 'plain_text') problems.add(where, 'must be plain_text, not mrkdwn');
  if (value.type === 'mrkdwn' && 'emoji' in value) problems.add(where, 'emoji is only allowed on plain_text');
  if (typeof value.text !== 'string' || value.text.length === 0) return problems.add(where, 'text must not be empty');
  if (value.text.length > max) problems.add(where, `text is ${value.text.length} characters, more than ${max}`);
}

function checkString(problems: Problems, where: string, value: unknown, max: number, required: boolean): void {
  if (value === undefined) {
    if (required) problems.add(where, 'is required');
    return;
  }
  if (typeof value !== 'string' || value.length === 0) return problems.add(where, 'must be a non-empty string');
  if (value.length > max) problems.add(where, `is ${value.length} characters, more than ${max}`);
}

function checkConfirm(problems: Problems, where: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) return problems.add(where, 'must be a confirmation dialog object');
  checkText(problems, `${where}.title`, value.title, limits.confirmTitle, true);
  checkText(problems, `${where}.text`, value.text, limits.confirmText, true);
  checkText(problems, `${where}.confirm`, value.confirm, limits.confirmButton, true);
  checkText(problems, `${where}.deny`, value.deny, limits.confirmButton, true);
  if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger')
    problems.add(where, `style ${String(value.style)} is not primary or danger`);
}

function checkOption(problems: Problems, where: string, value: unknown, plainOnly: boolean): string | null {
  if (!isObject(value)) {
    problems.add(where, 'must be an option object');
    return null;
  }
  checkText(problems, `${where}.text`, value.text, limits.optionText, plainOnly);
  checkString(problems, `${where}.value`, value.value, limits.optionValue, true);
  if (value.description !== undefined)
    checkText(problems, `${where}.description`, value.description, limits.optionDescription, true);
  return typeof value.value === 'string' ? value.value : null;
}

function checkOptions(
  problems: Problems,
  where: string,
  element: Json,
  max: number,
  plainOnly: boolean,
  multiple: boolean,
): void {
  const options = element.options;
  if (!Array.isArray(options) || options.length === 0) return problems.add(where, 'options must be a non-empty list');
  if (options.length > max) problems.add(where, `has ${options.length} options, more than ${max}`);
  const values = new Set<string>();
  options.forEach((option, index) => {
    const value = checkOption(problems, `${where}.options[${index}]`, option, plainOnly);
    if (value !== null && values.has(value)) problems.add(where, `option value ${value} appears twice`);
    if (value !== null) values.add(value);
  });
  // Slack refuses an initial option that is not exactly one of the options.
  const initial = multiple
    ? element.initial_options
    : element.initial_option === undefined
      ? undefined
      : [element.initial_option];
  if (initial === undefined) return;
  if (!Array.isArray(initial)) return problems.add(where, 'initial options must be a list');
  const known = new Set(options.map((option) => JSON.stringify(option)));
  for (const option of initial)
    if (!known.has(JSON.stringify(option))) problems.add(where, 'an initial option is not one of the options');
}

const interactive = new Set(['button', 'static_select', 'checkboxes', 'plain_text_input', 'overflow', 'radio_buttons']);

/** A block element; returns its action_id (when it has one) so the caller can check uniqueness. */
function checkElement(
  problems: Problems,
  where: string,
  element: unknown,
  allowed: ReadonlySet<string>,
): string | null {
  if (!isObject(element)) {
    problems.add(where, 'must be an element object');
    return null;
  }
  const type = String(element.type);
  if (!allowed.has(type)) {
    problems.add(where, `element type ${type} is not allowed here`);
    return null;
  }
  if (interactive.has(type))
    checkString(problems, `${where}.action_id`, element.action_id, limits.actionIdLength, false);
  switch (type) {
    case 'button':
      checkText(problems, `${where}.text`, element.text, limits.buttonText, true);
      checkString(problems, `${where}.value`, element.value, limits.buttonValue, false);
      checkString(problems, `${where}.url`, element.url, limits.buttonUrl, false);
      if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger')
        problems.add(where, `style ${String(element.style)} is not primary or danger`);
      checkConfirm(problems, `${where}.confirm`, element.confirm);
      break;
    case 'static_select':
      checkText(problems, `${where}.placeholder`, element.placeholder, limits.placeholder, true);
      checkOptions(problems, where, element, limits.selectOptions, true, false);
      checkConfirm(problems, `${where}.confirm`, element.confirm);
      break;
    case 'checkboxes':
    case 'radio_buttons':
      checkOptions(problems, where, element, limits.checkboxOptions, false, type === 'checkboxes');
      checkConfirm(problems, `${where}.confirm`, element.confirm);
      break;
    case 'plain_text_input': {
      if (element.multiline !== undefined && typeof element.multiline !== 'boolean')
        problems.add(where, 'multiline must be a boolean');
      const max = element.max_length;
      if (max !== undefined && (typeof max !== 'number' || max < 1 || max > limits.plainTextInputMaxLength))
        problems.add(where, `max_length ${String(max)} is outside 1..${limits.plainTextInputMaxLength}`);
      if (typeof element.initial_value === 'string' && typeof max === 'number' && element.initial_value.length > max)
        problems.add(where, 'initial_value is longer than max_length');
      if (element.placeholder !== undefined)
        checkText(problems, `${where}.placeholder`, element.placeholder, limits.placeholder, true);
      break;
    }
    case 'plain_text':
    case 'mrkdwn':
      checkText(problems, where, element, limits.sectionText, false);
      break;
    case 'image':
      checkString(problems, `${where}.image_url`, element.image_url, 3000, true);
      checkString(problems, `${where}.alt_text`, element.alt_text, 2000, true);
      break;
  }
  return interactive.has(type) && typeof element.action_id === 'string' ? element.action_id : null;
}

const actionsElements = new Set(['button', 'static_select', 'checkboxes', 'overflow', 'radio_buttons']);
const accessoryElements = new Set(['button', 'static_select', 'checkboxes', 'overflow', 'radio_buttons', 'image']);
const inputElements = new Set(['plain_text_input', 'static_select', 'checkboxes', 'radio_buttons']);
const contextElements = new Set(['plain_text', 'mrkdwn', 'image']);

/** Every block of one surface, with block_id and action_id uniqueness across it. */
export function checkBlocks(blocks: unknown, surface: Surface): string[] {
  const problems = new Problems();
  if (!Array.isArray(blocks)) return ['blocks: must be a list'];
  const max = surface === 'message' ? limits.blocksPerMessage : limits.blocksPerView;
  if (blocks.length > max) problems.add('blocks', `${blocks.length} blocks, more than ${max} on a ${surface}`);
  const blockIds = new Set<string>();
  const viewActionIds = new Set<string>();
  blocks.forEach((block, index) => {
    const where = `blocks[${index}]`;
    if (!isObject(block)) return problems.add(where, 'must be a block object');
    if (block.block_id !== undefined) {
      checkString(problems, `${where}.block_id`, block.block_id, limits.blockIdLength, false);
      if (typeof block.block_id === 'string') {
        if (blockIds.has(block.block_id)) problems.add(where, `block_id ${block.block_id} is used twice`);
        blockIds.add(block.block_id);
      }
    }
    const blockActionIds = new Set<string>();
    const noteActionId = (actionId: string | null, at: string) => {
      if (actionId === null) return;
      if (blockActionIds.has(actionId)) problems.add(at, `action_id ${actionId} is used twice in one block`);
      else if (surface !== 'message' && viewActionIds.has(actionId))
        problems.add(at, `action_id ${actionId} is used twice in one view`);
      blockActionIds.add(actionId);
      viewActionIds.add(actionId);
    };
    switch (block.type) {
      case 'section':
        if (block.text === undefined && block.fields === undefined)
          problems.add(where, 'a section needs text or fields');
        if (block.text !== undefined) checkText(problems, `${where}.text`, block.text, limits.sectionText, false);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length > limits.sectionFields)
            problems.add(where, `fields must be a list of at most ${limits.sectionFields}`);
          else
            block.fields.forEach((field, i) =>
              checkText(problems, `${where}.fields[${i}]`, field, limits.sectionFieldText, false),
            );
        }
        if (block.accessory !== undefined)
          noteActionId(checkElement(problems, `${where}.accessory`, block.accessory, accessoryElements), where);
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          problems.add(where, 'an actions block needs elements');
          break;
        }
        if (block.elements.length > limits.actionsElements)
          problems.add(where, `${block.elements.length} elements, more than ${limits.actionsElements}`);
        block.elements.forEach((element, i) =>
          noteActionId(
            checkElement(problems, `${where}.elements[${i}]`, element, actionsElements),
            `${where}.elements[${i}]`,
          ),
        );
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          problems.add(where, 'a context block needs elements');
          break;
        }
        if (block.elements.length > limits.contextElements)
          problems.add(where, `${block.elements.length} elements, more than ${limits.contextElements}`);
        block.elements.forEach((element, i) =>
          checkElement(problems, `${where}.elements[${i}]`, element, contextElements),
        );
        break;
      case 'header':
        checkText(problems, `${where}.text`, block.text, limits.headerText, true);
        break;
      case 'divider':
        break;
      case 'input':
        checkText(problems, `${where}.label`, block.label, limits.inputLabel, true);
        if (block.hint !== undefined) checkText(problems, `${where}.hint`, block.hint, limits.inputHint, true);
        noteActionId(checkElement(problems, `${where}.element`, block.element, inputElements), where);
        break;
      default:
        problems.add(where, `block type ${String(block.type)} is not a Block Kit block`);
    }
  });
  return problems.list;
}

/**
 * A message as chat.postMessage, chat.update, chat.postEphemeral and response_url take it: the
 * top-level `text` is required alongside blocks, since it is what notifications, screen readers
 * and search show.
 */
export function checkMessage(body: Json): string[] {
  const problems = new Problems();
  const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
  if (typeof body.text !== 'string' || body.text.trim() === '')
    problems.add('text', hasBlocks ? 'top-level text is required with blocks' : 'a message needs text or blocks');
  else if (body.text.length > limits.messageText) problems.add('text', `more than ${limits.messageText} characters`);
  const blocks = body.blocks === undefined ? [] : checkBlocks(body.blocks, 'message');
  return [...problems.list, ...blocks];
}

/** A modal (views.open, views.update, views.push, a view_submission's `update`) or a Home tab (views.publish). */
export function checkView(view: unknown, surface: 'modal' | 'home'): string[] {
  const problems = new Problems();
  if (!isObject(view)) return ['view: must be a view object'];
  if (view.type !== surface) problems.add('view.type', `must be ${surface}, not ${String(view.type)}`);
  checkString(problems, 'view.private_metadata', view.private_metadata, limits.privateMetadata, false);
  checkString(problems, 'view.callback_id', view.callback_id, limits.callbackId, false);
  if (surface === 'modal') {
    checkText(problems, 'view.title', view.title, limits.modalTitle, true);
    if (view.close !== undefined) checkText(problems, 'view.close', view.close, limits.modalButton, true);
    if (view.submit !== undefined) checkText(problems, 'view.submit', view.submit, limits.modalButton, true);
    const hasInput =
      Array.isArray(view.blocks) && view.blocks.some((block) => isObject(block) && block.type === 'input');
    if (hasInput && view.submit === undefined)
      problems.add('view.submit', 'is required when the view has an input block');
  } else {
    for (const field of ['title', 'submit', 'close'])
      if (view[field] !== undefined) problems.add(`view.${field}`, 'a Home tab has no such field');
  }
  return [...problems.list, ...checkBlocks(view.blocks, surface)];
}

/** What a Web API method (or a response_url) would refuse, with the error Slack answers. */
export function checkSlackCall(method: string, body: Json): { error: string; problems: string[] } | null {
  const refuse = (error: string, problems: string[]) => (problems.length > 0 ? { error, problems } : null);
  const need = (...fields: string[]) =>
    fields
      .filter((field) => typeof body[field] !== 'string' || body[field] === '')
      .map((field) => `${field}: is required`);
  switch (method) {
    case 'chat.postMessage':
      return refuse('invalid_arguments', need('channel')) ?? refuse('invalid_blocks', checkMessage(body));
    case 'chat.update':
      return refuse('invalid_arguments', need('channel', 'ts')) ?? refuse('invalid_blocks', checkMessage(body));
    case 'chat.postEphemeral':
      return refuse('invalid_arguments', need('channel', 'user')) ?? refuse('invalid_blocks', checkMessage(body));
    case 'response_url':
      return refuse('invalid_blocks', checkMessage(body));
    case 'views.open':
    case 'views.push':
      return refuse('invalid_arguments', need('trigger_id')) ?? refuse('invalid_blocks', checkView(body.view, 'modal'));
    case 'views.update': {
      const view = body.view;
      const surface = isObject(view) && view.type === 'home' ? 'home' : 'modal';
      const which =
        typeof body.view_id === 'string' || typeof body.external_id === 'string' ? [] : ['view_id: is required'];
      return refuse('invalid_arguments', which) ?? refuse('invalid_blocks', checkView(view, surface));
    }
    case 'views.publish':
      return refuse('invalid_arguments', need('user_id')) ?? refuse('invalid_blocks', checkView(body.view, 'home'));
    default:
      return null;
  }
}

/** What an HTTP acknowledgement carries back to Slack: a slash command's reply or a view submission's answer. */
export function checkAcknowledgement(body: unknown): string[] {
  if (!isObject(body)) return [];
  if (body.response_action === 'update' || body.response_action === 'push') return checkView(body.view, 'modal');
  if (body.response_action === 'errors')
    return isObject(body.errors) && Object.keys(body.errors).length > 0 ? [] : ['errors: must name at least one block'];
  if ('blocks' in body || 'text' in body) return checkMessage(body);
  return [];
}
