/** A shop's quick reply as the messaging service gives it; `locale` is absent for one meant for every reader. */
export interface QuickReply {
  id: string;
  text: string;
  locale?: string;
}

/** The replies a reader of `language` is offered: those in their language (zh-CN matches zh), and those for everyone. */
export function repliesIn(replies: readonly QuickReply[], language: string): QuickReply[] {
  const primary = (tag: string) => tag.toLowerCase().split('-')[0];
  return replies.filter((r) => !r.locale || primary(r.locale) === primary(language));
}
