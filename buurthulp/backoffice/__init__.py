"""The coordinator's back office: the work queue, trust levels, the vulnerable mark,
residents who are not online (proxy residents) and the reason asked before staff open one
resident's personal data."""
