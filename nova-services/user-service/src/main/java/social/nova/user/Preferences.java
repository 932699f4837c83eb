package social.nova.user;

/** A user's preferences as stored in {@code users.preferences}. */
record Preferences(
        String language,
        String timezone,
        boolean notifyOnFollow,
        boolean notifyOnLike,
        boolean notifyOnMessage,
        MessagePolicy allowMessagesFrom) {

    /** What a user has until changing anything (the contract's defaults). */
    static final Preferences DEFAULTS = new Preferences("en", "UTC", true, true, true, MessagePolicy.EVERYONE);
}
