import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { searchResultBlocks } from '../../blocks/client-card.ts';
import { searchModal } from '../../blocks/menus.ts';
import { searchClientSummaries } from '../../client-summary.ts';
import { searchBlocks } from '../../ids.ts';
import type { SlackServices } from '../../services.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const cardLimit = 10;

/** The Home tab's search: the results replace the form, with the form kept on top for another search. */
export function searchSubmitted({ deps, timeZone }: SlackServices) {
  return async function searchSubmittedListener({ ack, view }: ViewArgs): Promise<void> {
    const text = (view.state.values[searchBlocks.text]?.[searchBlocks.text]?.value ?? '').trim();
    if (text === '')
      return ack({
        response_action: 'errors',
        errors: { [searchBlocks.text]: 'Type part of a name, an email or an id.' },
      });
    const found = searchClientSummaries(deps, text, cardLimit + 1);
    await ack({
      response_action: 'update',
      view: searchModal(searchResultBlocks(text, found.slice(0, cardLimit), found.length > cardLimit, timeZone)),
    });
  };
}
