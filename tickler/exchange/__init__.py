"""Exchange with the tools reps already use: spreadsheets, phones, calendars, letters, paper."""
