import { afterEach, expect, test } from 'vitest';
import { startTestChat, type TestChat } from '../helpers/start-test-chat.js';

let chat: TestChat;
afterEach(() => chat?.close());

test('a customer gives height and inseam and gets a size', async () => {
  chat = await startTestChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('what frame size do I need?');
  await chat.expectBot('Happy to help! How tall are you, in centimetres? (For example 178)');
  await chat.customer('178');
  await chat.expectBot('And your inseam (inside leg), in centimetres? (For example 82)');
  await chat.customer('about 82 cm');
  await chat.expectBot('At 178 cm tall with an inseam of 82 cm, our size L should fit you (a road frame of about 55 cm). If you are between two sizes, come in for a free 15-minute sizing session on our fit bike.');
  expect(await chat.activeFlow()).toBe('router');
});

test('measurements that cannot be right get no guess', async () => {
  chat = await startTestChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('bike size calculator');
  await chat.customer('5');
  await chat.customer('11');
  await chat.expectBot(/^Happy to help/);
  await chat.expectBot(/inseam/);
  await chat.expectBot(/don't look right to me, so I'd rather not guess/);
});

test('an answer that is not a number is asked again once, then a person is offered', async () => {
  chat = await startTestChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('help me choose a frame size');
  await chat.expectBot(/How tall are you/);
  await chat.customer('pretty tall');
  await chat.expectBot(/^Sorry, I didn't catch that\. Happy to help! How tall are you/);
  await chat.customer('very tall');
  await chat.expectBot(/bring in a member of our team/);
});
