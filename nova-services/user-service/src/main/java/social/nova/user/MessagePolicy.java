package social.nova.user;

/** Who may start a conversation with a user; numbered as nova.user.v1.MessagePolicy. */
enum MessagePolicy {
    EVERYONE(1),
    FOLLOWING(2),
    NOBODY(3);

    private final int number;

    MessagePolicy(int number) {
        this.number = number;
    }

    int number() {
        return number;
    }

    /** The policy of a contract number; 0 (unspecified) means EVERYONE, unknown numbers null. */
    static MessagePolicy ofNumber(int number) {
        if (number == 0) {
            return EVERYONE;
        }
        for (MessagePolicy policy : values()) {
            if (policy.number == number) {
                return policy;
            }
        }
        return null;
    }
}
