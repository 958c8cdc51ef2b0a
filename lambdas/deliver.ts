/** The deliver Lambda (being wired by the lead; see issue 5). */
export const handler = async (): Promise<never> => {
  throw new Error("the deliver handler is not wired yet");
};
