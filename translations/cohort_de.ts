<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Cohort::Ui::AppController</name>
    <message>
        <source>Your saved sign-in has expired or was revoked. Sign in again.</source>
        <translation>Ihre gespeicherte Anmeldung ist abgelaufen oder wurde widerrufen. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>Show Cohort</source>
        <translation>Cohort anzeigen</translation>
    </message>
    <message>
        <source>Sign Out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Cohort</source>
        <translation>Cohort</translation>
    </message>
    <message>
        <source>About Cohort</source>
        <translation>Über Cohort</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Cohort %1&lt;/h3&gt;&lt;p&gt;A desktop classroom: chat, live classes, exams and code, over one connection to your school&apos;s server or to a class hosted on this computer.&lt;/p&gt;&lt;p&gt;Built with Qt %2 (running on Qt %3).&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Cohort %1&lt;/h3&gt;&lt;p&gt;Ein Klassenzimmer auf dem Desktop: Chat, Live-Unterricht, Prüfungen und Code – über eine Verbindung zum Server Ihrer Schule oder zu einem Kurs, den dieser Computer anbietet.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2 (läuft mit Qt %3).&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU General Public License, Version 3 oder später.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Your session has ended, for example because your password was changed or you signed out on another computer. Sign in again.</source>
        <translation>Ihre Sitzung wurde beendet, etwa weil Ihr Passwort geändert wurde oder Sie sich auf einem anderen Computer abgemeldet haben. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>Cohort could not keep your sign-in in the system keychain (%1). You stay signed in until you quit Cohort.</source>
        <translation>Cohort konnte Ihre Anmeldung nicht im Schlüsselbund des Systems ablegen (%1). Sie bleiben angemeldet, bis Sie Cohort beenden.</translation>
    </message>
    <message>
        <source>Signing out deletes them from this computer.</source>
        <translation>Beim Abmelden werden sie von diesem Computer gelöscht.</translation>
    </message>
    <message>
        <source>Sign Out and Delete Them</source>
        <translation>Abmelden und löschen</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) you wrote have not been sent yet.</source>
        <translation>
            <numerusform>%n Nachricht, die Sie geschrieben haben, wurde noch nicht gesendet.</numerusform>
            <numerusform>%n Nachrichten, die Sie geschrieben haben, wurden noch nicht gesendet.</numerusform>
        </translation>
    </message>
    <message>
        <source>To send them, keep Cohort open until it is connected again.</source>
        <translation>Lassen Sie Cohort geöffnet, bis wieder eine Verbindung besteht, um sie zu senden.</translation>
    </message>
    <message>
        <source>Quit Cohort</source>
        <translation>Cohort beenden</translation>
    </message>
    <message>
        <source>Quitting without &quot;Keep me signed in&quot; deletes them from this computer.</source>
        <translation>Beim Beenden ohne „Angemeldet bleiben“ werden sie von diesem Computer gelöscht.</translation>
    </message>
    <message>
        <source>Quit and Delete Them</source>
        <translation>Beenden und löschen</translation>
    </message>
    <message numerus="yes">
        <source>Your changes to %n code file(s) are not on the server.</source>
        <translation>
            <numerusform>Ihre Änderungen an %n Codedatei sind nicht auf dem Server.</numerusform>
            <numerusform>Ihre Änderungen an %n Codedateien sind nicht auf dem Server.</numerusform>
        </translation>
    </message>
    <message>
        <source>Changes the server refused can be saved as a copy in the Code pane.</source>
        <translation>Änderungen, die der Server abgelehnt hat, können Sie im Code-Bereich als Kopie speichern.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::ChatDialogs</name>
    <message>
        <source>New room</source>
        <translation>Neuer Raum</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Study group</source>
        <translation>Lerngruppe</translation>
    </message>
    <message>
        <source>Announcements</source>
        <translation>Ankündigungen</translation>
    </message>
    <message>
        <source>e.g. Project team</source>
        <translation>z. B. Projektteam</translation>
    </message>
    <message>
        <source>Public: anyone in the course can join</source>
        <translation>Öffentlich: alle im Kurs können beitreten</translation>
    </message>
    <message>
        <source>Private: by invitation</source>
        <translation>Privat: nur auf Einladung</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Thema</translation>
    </message>
    <message>
        <source>Course</source>
        <translation>Kurs</translation>
    </message>
    <message>
        <source>Visibility</source>
        <translation>Sichtbarkeit</translation>
    </message>
    <message>
        <source>Member limit</source>
        <translation>Höchstzahl an Mitgliedern</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Search people</source>
        <translation>Personen suchen</translation>
    </message>
    <message>
        <source>%1 (@%2)</source>
        <translation>%1 (@%2)</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::ChatPane</name>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Stummschaltung aufheben</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Stummschalten</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Nicht mehr anheften</translation>
    </message>
    <message>
        <source>Pin to the top</source>
        <translation>Oben anheften</translation>
    </message>
    <message>
        <source>Leave room</source>
        <translation>Raum verlassen</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>← Back to the chat</source>
        <translation>← Zurück zum Chat</translation>
    </message>
    <message>
        <source>Your status: %1</source>
        <translation>Ihr Status: %1</translation>
    </message>
    <message>
        <source>New room, direct message or study group</source>
        <translation>Neuer Raum, Direktnachricht oder Lerngruppe</translation>
    </message>
    <message>
        <source>New room…</source>
        <translation>Neuer Raum …</translation>
    </message>
    <message>
        <source>New direct message…</source>
        <translation>Neue Direktnachricht …</translation>
    </message>
    <message>
        <source>Browse study groups…</source>
        <translation>Lerngruppen durchsuchen …</translation>
    </message>
    <message>
        <source>Courses and join codes</source>
        <translation>Kurse und Beitrittscodes</translation>
    </message>
    <message>
        <source>Filter rooms</source>
        <translation>Räume filtern</translation>
    </message>
    <message>
        <source>Search messages</source>
        <translation>Nachrichten durchsuchen</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Room options</source>
        <translation>Raumoptionen</translation>
    </message>
    <message>
        <source>No messages yet</source>
        <translation>Noch keine Nachrichten</translation>
    </message>
    <message>
        <source>Be the first to say something in this room.</source>
        <translation>Schreiben Sie als Erste oder Erster etwas in diesen Raum.</translation>
    </message>
    <message>
        <source>Pick a room</source>
        <translation>Wählen Sie einen Raum</translation>
    </message>
    <message>
        <source>Choose a room on the left to read and write messages.</source>
        <translation>Wählen Sie links einen Raum, um Nachrichten zu lesen und zu schreiben.</translation>
    </message>
    <message>
        <source>Editing a message · Enter saves · Esc cancels</source>
        <translation>Nachricht bearbeiten · Eingabe speichert · Esc bricht ab</translation>
    </message>
    <message>
        <source>Insert an emoji</source>
        <translation>Emoji einfügen</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>Senden (Eingabe)</translation>
    </message>
    <message>
        <source>Write a message…</source>
        <translation>Nachricht schreiben …</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line, Up edits your last message</source>
        <translation>Eingabe sendet, Umschalt+Eingabe beginnt eine neue Zeile, Pfeil nach oben bearbeitet Ihre letzte Nachricht</translation>
    </message>
    <message>
        <source>Reply in the thread…</source>
        <translation>Im Thread antworten …</translation>
    </message>
    <message>
        <source>Thread</source>
        <translation>Thread</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Archived · read only</source>
        <translation>Archiviert · nur lesen</translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 schreibt …</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 und %2 schreiben …</translation>
    </message>
    <message>
        <source>Several people are typing…</source>
        <translation>Mehrere Personen schreiben …</translation>
    </message>
    <message>
        <source>User %1</source>
        <translation>Benutzer %1</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Reply in thread</source>
        <translation>Im Thread antworten</translation>
    </message>
    <message>
        <source>React</source>
        <translation>Reagieren</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Text kopieren</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>Link kopieren</translation>
    </message>
    <message>
        <source>Seen by %1</source>
        <translation>Gesehen von %1</translation>
    </message>
    <message>
        <source>Study groups</source>
        <translation>Lerngruppen</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Beitreten</translation>
    </message>
    <message>
        <source>Public study groups of your courses.</source>
        <translation>Öffentliche Lerngruppen Ihrer Kurse.</translation>
    </message>
    <message>
        <source>You are a member</source>
        <translation>Sie sind Mitglied</translation>
    </message>
    <message>
        <source>This room is archived: nobody can write here.</source>
        <translation>Dieser Raum ist archiviert: Niemand kann hier schreiben.</translation>
    </message>
    <message>
        <source>Only the course&apos;s staff post here. Reply to an announcement in its thread.</source>
        <translation>Hier schreiben nur die Lehrenden des Kurses. Antworte auf eine Ankündigung in ihrem Thread.</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Umbenennen …</translation>
    </message>
    <message>
        <source>Rename the room</source>
        <translation>Raum umbenennen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Change the topic…</source>
        <translation>Thema ändern …</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Thema</translation>
    </message>
    <message>
        <source>Add people…</source>
        <translation>Personen hinzufügen …</translation>
    </message>
    <message>
        <source>Unarchive</source>
        <translation>Archivierung aufheben</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archivieren</translation>
    </message>
    <message>
        <source>Add to the room</source>
        <translation>Zum Raum hinzufügen</translation>
    </message>
    <message>
        <source>Join a course first: you can only reach people of your courses.</source>
        <translation>Treten Sie zuerst einem Kurs bei: Sie erreichen nur Personen aus Ihren Kursen.</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht schreiben</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Dateien anhängen</translation>
    </message>
    <message>
        <source>The file could not be downloaded. Try again in a moment.</source>
        <translation>Die Datei konnte nicht heruntergeladen werden. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>Save “%1” as…</source>
        <translation>„%1“ speichern unter …</translation>
    </message>
    <message>
        <source>“%1” cannot be read, or it is empty.</source>
        <translation>„%1“ kann nicht gelesen werden oder ist leer.</translation>
    </message>
    <message>
        <source>image-%1.png</source>
        <translation>bild-%1.png</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>too large for this server</source>
        <translation>zu groß für diesen Server</translation>
    </message>
    <message>
        <source>upload failed</source>
        <translation>Hochladen fehlgeschlagen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Save file</source>
        <translation>Datei speichern</translation>
    </message>
    <message>
        <source>The file could not be saved to %1.</source>
        <translation>Die Datei konnte nicht unter %1 gespeichert werden.</translation>
    </message>
    <message>
        <source>Open file</source>
        <translation>Datei öffnen</translation>
    </message>
    <message>
        <source>“%1” is a program or script. Opening it runs it on this computer. Open it anyway?</source>
        <translation>„%1“ ist ein Programm oder Skript. Wenn Sie es öffnen, wird es auf diesem Computer ausgeführt. Trotzdem öffnen?</translation>
    </message>
    <message>
        <source>Attach files to the reply</source>
        <translation>Dateien an die Antwort anhängen</translation>
    </message>
    <message numerus="yes">
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n Mitglied</numerusform>
            <numerusform>%n Mitglieder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 · %3/%n member(s)</source>
        <translation>
            <numerusform>%1 · %2 · %3/%n Mitglied</numerusform>
            <numerusform>%1 · %2 · %3/%n Mitglieder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 · %n member(s)</source>
        <translation>
            <numerusform>%1 · %2 · %n Mitglied</numerusform>
            <numerusform>%1 · %2 · %n Mitglieder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>A message can carry at most %n file(s).</source>
        <translation>
            <numerusform>Eine Nachricht kann höchstens %n Datei enthalten.</numerusform>
            <numerusform>Eine Nachricht kann höchstens %n Dateien enthalten.</numerusform>
        </translation>
    </message>
    <message>
        <source>preparing %1%</source>
        <translation>wird vorbereitet, %1 %</translation>
    </message>
    <message>
        <source>preparing</source>
        <translation>wird vorbereitet</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::CodeLanguages</name>
    <message>
        <source>Plain text</source>
        <translation>Reiner Text</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::CodePane</name>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Editor</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>Viewer</source>
        <translation>Zuschauer</translation>
    </message>
    <message>
        <source>Code sessions are not available</source>
        <translation>Code-Sitzungen sind nicht verfügbar</translation>
    </message>
    <message>
        <source>Code sessions</source>
        <translation>Code-Sitzungen</translation>
    </message>
    <message>
        <source>New session…</source>
        <translation>Neue Sitzung…</translation>
    </message>
    <message>
        <source>Join with a code…</source>
        <translation>Mit Code beitreten…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>No code sessions yet</source>
        <translation>Noch keine Code-Sitzungen</translation>
    </message>
    <message>
        <source>A session is a small project the class edits together: everyone sees the others&apos; cursors, and the teacher can lead with lecture mode. Start one, or join with the code your teacher gave you.</source>
        <translation>Eine Sitzung ist ein kleines Projekt, das die Klasse gemeinsam bearbeitet: Alle sehen die Cursor der anderen, und die Lehrkraft kann im Vortragsmodus führen. Starten Sie eine, oder treten Sie mit dem Code bei, den Ihre Lehrkraft Ihnen gegeben hat.</translation>
    </message>
    <message>
        <source>‹ Sessions</source>
        <translation>‹ Sitzungen</translation>
    </message>
    <message>
        <source>All code sessions (you stay in this one)</source>
        <translation>Alle Code-Sitzungen (Sie bleiben in dieser)</translation>
    </message>
    <message>
        <source>Lecture mode</source>
        <translation>Vortragsmodus</translation>
    </message>
    <message>
        <source>Viewers follow you and read along; pass the pen to one student from People</source>
        <translation>Zuschauer folgen Ihnen und lesen mit; unter „Personen“ geben Sie einer Person den Stift</translation>
    </message>
    <message>
        <source>Versions…</source>
        <translation>Versionen…</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Kommentieren</translation>
    </message>
    <message>
        <source>Comment on the selected lines (Ctrl+Alt+M)</source>
        <translation>Die ausgewählten Zeilen kommentieren (Strg+Alt+M)</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>Verlassen</translation>
    </message>
    <message>
        <source>Stop following</source>
        <translation>Nicht mehr folgen</translation>
    </message>
    <message>
        <source>New file</source>
        <translation>Neue Datei</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>Dateien importieren…</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personen</translation>
    </message>
    <message>
        <source>Comments</source>
        <translation>Kommentare</translation>
    </message>
    <message numerus="yes">
        <source>%n participant(s)</source>
        <translation>
            <numerusform>%n Teilnehmer</numerusform>
            <numerusform>%n Teilnehmende</numerusform>
        </translation>
    </message>
    <message>
        <source>open to the course</source>
        <translation>offen für den Kurs</translation>
    </message>
    <message>
        <source>private</source>
        <translation>privat</translation>
    </message>
    <message>
        <source>lecture</source>
        <translation>Vortrag</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>gesperrt</translation>
    </message>
    <message>
        <source>needs a code</source>
        <translation>mit Code</translation>
    </message>
    <message>
        <source>%1 asks to join. Let them in from People.</source>
        <translation>%1 möchte beitreten. Unter „Personen“ hereinlassen.</translation>
    </message>
    <message>
        <source>Code session</source>
        <translation>Code-Sitzung</translation>
    </message>
    <message>
        <source>Session %1 · code %2</source>
        <translation>Sitzung %1 · Code %2</translation>
    </message>
    <message>
        <source>Following %1 — Esc to stop</source>
        <translation>Sie folgen %1 — Esc beendet</translation>
    </message>
    <message>
        <source>Lecture mode: you read along with %1. You can comment; %1 can pass you the pen to edit.</source>
        <translation>Vortragsmodus: Sie lesen bei %1 mit. Sie können kommentieren; %1 kann Ihnen zum Bearbeiten den Stift geben.</translation>
    </message>
    <message>
        <source>You are a viewer: you can read, follow and comment, but not change the code. A host can make you an editor.</source>
        <translation>Sie sind Zuschauer: Sie können lesen, folgen und kommentieren, aber den Code nicht ändern. Ein Host kann Sie zum Bearbeiter machen.</translation>
    </message>
    <message>
        <source>No session open</source>
        <translation>Keine Sitzung geöffnet</translation>
    </message>
    <message>
        <source>Joining…</source>
        <translation>Beitreten…</translation>
    </message>
    <message>
        <source>Loading the session&apos;s files and participants.</source>
        <translation>Die Dateien und Teilnehmenden der Sitzung werden geladen.</translation>
    </message>
    <message>
        <source>Waiting for the host</source>
        <translation>Warten auf den Host</translation>
    </message>
    <message>
        <source>This session lets people in one by one. You join as soon as a host lets you in.</source>
        <translation>Diese Sitzung lässt einzeln herein. Sie treten bei, sobald ein Host Sie hereinlässt.</translation>
    </message>
    <message>
        <source>Could not join</source>
        <translation>Beitritt nicht möglich</translation>
    </message>
    <message>
        <source>The access code is wrong. Ask your teacher for the code and try again.</source>
        <translation>Der Zugangscode ist falsch. Fragen Sie Ihre Lehrkraft nach dem Code und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Enter the code…</source>
        <translation>Code eingeben…</translation>
    </message>
    <message>
        <source>The host has locked this session: nobody new can join right now.</source>
        <translation>Der Host hat diese Sitzung gesperrt: Gerade kann niemand Neues beitreten.</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>The session is full.</source>
        <translation>Die Sitzung ist voll.</translation>
    </message>
    <message>
        <source>The host did not let you in.</source>
        <translation>Der Host hat Sie nicht hereingelassen.</translation>
    </message>
    <message>
        <source>This session is private to other people.</source>
        <translation>Diese Sitzung ist privat und gehört anderen.</translation>
    </message>
    <message>
        <source>This session no longer exists.</source>
        <translation>Diese Sitzung gibt es nicht mehr.</translation>
    </message>
    <message>
        <source>This session has no files yet</source>
        <translation>Diese Sitzung hat noch keine Dateien</translation>
    </message>
    <message>
        <source>Create a file or import some from disk to start writing code together.</source>
        <translation>Legen Sie eine Datei an oder importieren Sie Dateien von der Festplatte, um gemeinsam Code zu schreiben.</translation>
    </message>
    <message>
        <source>The host has not added any file yet. Files appear here as soon as they do.</source>
        <translation>Der Host hat noch keine Datei angelegt. Dateien erscheinen hier, sobald es welche gibt.</translation>
    </message>
    <message>
        <source>No file open</source>
        <translation>Keine Datei geöffnet</translation>
    </message>
    <message>
        <source>Pick a file on the left, or follow someone from People.</source>
        <translation>Wählen Sie links eine Datei, oder folgen Sie jemandem unter „Personen“.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Saved on the server</source>
        <translation>Auf dem Server gespeichert</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Offline: your edits are kept and sent when the connection is back</source>
        <translation>Offline: Ihre Änderungen bleiben erhalten und werden gesendet, sobald die Verbindung zurück ist</translation>
    </message>
    <message>
        <source>Could not open the file</source>
        <translation>Die Datei konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>You are a viewer here: your typing was not applied. A host can make you an editor.</source>
        <translation>Sie sind hier Zuschauer: Ihre Eingabe wurde nicht übernommen. Ein Host kann Sie zum Bearbeiter machen.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Rename “%1”</source>
        <translation>„%1“ umbenennen</translation>
    </message>
    <message>
        <source>Delete “%1”?</source>
        <translation>„%1“ löschen?</translation>
    </message>
    <message>
        <source>The file is deleted for everyone in the session, with its comments. A saved version still has it.</source>
        <translation>Die Datei wird für alle in der Sitzung gelöscht, mit ihren Kommentaren. Eine gespeicherte Version enthält sie weiterhin.</translation>
    </message>
    <message>
        <source>Import files</source>
        <translation>Dateien importieren</translation>
    </message>
    <message>
        <source>%1 is larger than 1 MB.</source>
        <translation>%1 ist größer als 1 MB.</translation>
    </message>
    <message>
        <source>%1 could not be read: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a text file (UTF-8).</source>
        <translation>%1 ist keine Textdatei (UTF-8).</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Export as zip</source>
        <translation>Als ZIP exportieren</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>ZIP-Archive (*.zip)</translation>
    </message>
    <message>
        <source>Export into a folder</source>
        <translation>In einen Ordner exportieren</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n file(s) to %1.</source>
        <translation>
            <numerusform>%n Datei nach %1 exportiert.</numerusform>
            <numerusform>%n Dateien nach %1 exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Access code</source>
        <translation>Zugangscode</translation>
    </message>
    <message>
        <source>Whoever has this code can join. Leave it empty to remove the code.</source>
        <translation>Wer diesen Code hat, kann beitreten. Leer lassen, um den Code zu entfernen.</translation>
    </message>
    <message>
        <source>Who may join: access code, lock, approval</source>
        <translation>Wer beitreten darf: Zugangscode, Sperre, Bestätigung</translation>
    </message>
    <message>
        <source>Set the access code…</source>
        <translation>Zugangscode festlegen…</translation>
    </message>
    <message>
        <source>Lock: let nobody else join</source>
        <translation>Sperren: niemanden mehr beitreten lassen</translation>
    </message>
    <message>
        <source>Approve joiners: newcomers wait until a host lets them in</source>
        <translation>Beitritte bestätigen: Neue warten, bis ein Host sie hereinlässt</translation>
    </message>
    <message>
        <source>Access: locked</source>
        <translation>Zugang: gesperrt</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Zugang</translation>
    </message>
    <message>
        <source>No access code</source>
        <translation>Kein Zugangscode</translation>
    </message>
    <message>
        <source># Comments of “%1”</source>
        <translation># Kommentare zu „%1“</translation>
    </message>
    <message>
        <source>deleted file</source>
        <translation>gelöschte Datei</translation>
    </message>
    <message>
        <source>%1, line %2</source>
        <translation>%1, Zeile %2</translation>
    </message>
    <message>
        <source>%1, lines %2–%3</source>
        <translation>%1, Zeilen %2–%3</translation>
    </message>
    <message>
        <source>%1 (resolved)</source>
        <translation>%1 (erledigt)</translation>
    </message>
    <message>
        <source>**%1**, %2:</source>
        <translation>**%1**, %2:</translation>
    </message>
    <message>
        <source>This server does not offer code sessions. Ask its administrator to update Cohort on the server.</source>
        <translation>Dieser Server bietet keine Code-Sitzungen an. Bitten Sie die Administration, Cohort auf dem Server zu aktualisieren.</translation>
    </message>
    <message>
        <source>A host removed you from this session. You can ask to join again; a host has to let you in.</source>
        <translation>Ein Host hat Sie aus dieser Sitzung entfernt. Sie können erneut um Beitritt bitten; ein Host muss Sie hereinlassen.</translation>
    </message>
    <message>
        <source>Ask to join again</source>
        <translation>Erneut um Beitritt bitten</translation>
    </message>
    <message>
        <source>The owner has as many open sessions as the server allows. Archive or lock another one before unlocking this one.</source>
        <translation>Der Eigentümer hat so viele offene Sitzungen, wie der Server erlaubt. Archivieren oder sperren Sie eine andere, bevor Sie diese entsperren.</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>Archiviert</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Archive or delete this session</source>
        <translation>Diese Sitzung archivieren oder löschen</translation>
    </message>
    <message>
        <source>Archive…</source>
        <translation>Archivieren …</translation>
    </message>
    <message>
        <source>Unarchive</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Delete for good…</source>
        <translation>Endgültig löschen …</translation>
    </message>
    <message>
        <source>Open read-only</source>
        <translation>Schreibgeschützt öffnen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Archive session</source>
        <translation>Sitzung archivieren</translation>
    </message>
    <message>
        <source>Archive “%1”?</source>
        <translation>„%1“ archivieren?</translation>
    </message>
    <message>
        <source>The session becomes read-only and leaves everyone&apos;s list: the participants are taken out of it. Nothing is deleted. You can still open and export it, and unarchive it later. It no longer counts towards your open sessions.</source>
        <translation>Die Sitzung wird schreibgeschützt und verschwindet aus allen Listen: Die Teilnehmenden werden aus ihr entfernt. Nichts wird gelöscht. Sie können sie weiterhin öffnen, exportieren und später wiederherstellen. Sie zählt nicht mehr zu Ihren offenen Sitzungen.</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archivieren</translation>
    </message>
    <message>
        <source>You have as many open sessions as the server allows. Archive or lock one you no longer use to bring this one back.</source>
        <translation>Sie haben so viele offene Sitzungen, wie der Server erlaubt. Archivieren oder sperren Sie eine, die Sie nicht mehr nutzen, um diese wiederherzustellen.</translation>
    </message>
    <message>
        <source>Delete session</source>
        <translation>Sitzung löschen</translation>
    </message>
    <message>
        <source>Delete “%1” for good?</source>
        <translation>„%1“ endgültig löschen?</translation>
    </message>
    <message>
        <source>Its files, comments and versions are deleted from the server and cannot be brought back. Export the session first if you want to keep a copy.</source>
        <translation>Ihre Dateien, Kommentare und Versionen werden vom Server gelöscht und lassen sich nicht wiederherstellen. Exportieren Sie die Sitzung zuerst, wenn Sie eine Kopie behalten möchten.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>You have as many open sessions as the server allows. Archive one you no longer use (Session → Archive) or lock one (Access → Lock) to create another.</source>
        <translation>Sie haben so viele offene Sitzungen, wie der Server erlaubt. Archivieren Sie eine, die Sie nicht mehr nutzen (Sitzung → Archivieren), oder sperren Sie eine (Zugang → Sperren), um eine weitere zu erstellen.</translation>
    </message>
    <message>
        <source>This session is archived: it is read-only and only you can open it. Unarchive it (Session → Unarchive) to work in it with others again.</source>
        <translation>Diese Sitzung ist archiviert: Sie ist schreibgeschützt, und nur Sie können sie öffnen. Stellen Sie sie wieder her (Sitzung → Wiederherstellen), um wieder mit anderen darin zu arbeiten.</translation>
    </message>
    <message>
        <source>Its owner has as many open sessions as the server allows. One of them has to be archived or locked before this one can come back.</source>
        <translation>Ihr Eigentümer hat so viele offene Sitzungen, wie der Server erlaubt. Eine davon muss archiviert oder gesperrt werden, bevor diese wiederhergestellt werden kann.</translation>
    </message>
    <message>
        <source>This session was archived. It is closed now: only its owner can still open it.</source>
        <translation>Diese Sitzung wurde archiviert. Sie ist jetzt geschlossen: Nur ihr Eigentümer kann sie noch öffnen.</translation>
    </message>
    <message>
        <source>This session was archived. Its work is kept, but only its owner can open it now.</source>
        <translation>Diese Sitzung wurde archiviert. Ihre Inhalte bleiben erhalten, aber nur ihr Eigentümer kann sie jetzt öffnen.</translation>
    </message>
    <message>
        <source>Also list archived sessions: yours, and an admin&apos;s list has everyone&apos;s</source>
        <translation>Auch archivierte Sitzungen anzeigen: Ihre eigenen, bei Administratoren die aller Personen</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>Kopie speichern …</translation>
    </message>
    <message>
        <source>Copy to clipboard</source>
        <translation>In die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Forget these changes</source>
        <translation>Diese Änderungen verwerfen</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>von %1</translation>
    </message>
    <message>
        <source>You keep as many sessions as the server allows, archived ones included. Delete archived sessions to make room: show them with Archived, then right-click one → Delete for good.</source>
        <translation>Sie haben so viele Sitzungen, wie der Server erlaubt, archivierte eingeschlossen. Löschen Sie archivierte Sitzungen, um Platz zu schaffen: Zeigen Sie sie mit „Archiviert“ an und wählen Sie per Rechtsklick „Endgültig löschen“.</translation>
    </message>
    <message>
        <source>Your last changes to %1 were not saved: you can no longer edit this session.</source>
        <translation>Ihre letzten Änderungen an %1 wurden nicht gespeichert: Sie können diese Sitzung nicht mehr bearbeiten.</translation>
    </message>
    <message>
        <source>Your last changes to %1 were not saved: the session was archived meanwhile.</source>
        <translation>Ihre letzten Änderungen an %1 wurden nicht gespeichert: Die Sitzung wurde inzwischen archiviert.</translation>
    </message>
    <message>
        <source>Your last changes to %1 were not saved: the file or the session was deleted.</source>
        <translation>Ihre letzten Änderungen an %1 wurden nicht gespeichert: Die Datei oder die Sitzung wurde gelöscht.</translation>
    </message>
    <message>
        <source>Your last changes to %1 were not saved: the file became larger than the server allows.</source>
        <translation>Ihre letzten Änderungen an %1 wurden nicht gespeichert: Die Datei wurde größer, als der Server erlaubt.</translation>
    </message>
    <message>
        <source>Your last changes to %1 were not saved: the server refused them.</source>
        <translation>Ihre letzten Änderungen an %1 wurden nicht gespeichert: Der Server hat sie abgelehnt.</translation>
    </message>
    <message>
        <source>Save a copy to keep them.</source>
        <translation>Speichern Sie eine Kopie, um sie zu behalten.</translation>
    </message>
    <message>
        <source>Leave session</source>
        <translation>Sitzung verlassen</translation>
    </message>
    <message>
        <source>Your changes to %1 that the server refused are kept only until you leave this session. Leave and lose them?</source>
        <translation>Ihre vom Server abgelehnten Änderungen an %1 bleiben nur erhalten, bis Sie diese Sitzung verlassen. Verlassen und die Änderungen verlieren?</translation>
    </message>
    <message>
        <source>Save a copy first to keep them.</source>
        <translation>Speichern Sie zuerst eine Kopie, um sie zu behalten.</translation>
    </message>
    <message>
        <source>Leave and Lose Them</source>
        <translation>Verlassen und verlieren</translation>
    </message>
    <message>
        <source>%1 (my copy)</source>
        <comment>the file name of a copy of refused edits</comment>
        <translation>%1 (meine Kopie)</translation>
    </message>
    <message>
        <source>%1 (my copy).%2</source>
        <comment>the file name of a copy of refused edits</comment>
        <translation>%1 (meine Kopie).%2</translation>
    </message>
    <message>
        <source>Save a copy of your changes</source>
        <translation>Kopie Ihrer Änderungen speichern</translation>
    </message>
    <message>
        <source>Could not save the copy to %1: %2</source>
        <translation>Die Kopie konnte nicht unter %1 gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Saved a copy of your changes to %1.</source>
        <translation>Eine Kopie Ihrer Änderungen wurde unter %1 gespeichert.</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>archiviert</translation>
    </message>
    <message>
        <source>archived: read-only, only you and the other admins see it</source>
        <translation>archiviert: schreibgeschützt, nur Sie und die anderen Admins sehen sie</translation>
    </message>
    <message>
        <source>archived: read-only, only you and the server&apos;s admins see it</source>
        <translation>archiviert: schreibgeschützt, nur Sie und die Admins des Servers sehen sie</translation>
    </message>
    <message>
        <source>your changes not yet sent</source>
        <translation>Ihre Änderungen noch nicht gesendet</translation>
    </message>
    <message>
        <source>refused changes to save</source>
        <translation>abgelehnte Änderungen zum Speichern</translation>
    </message>
    <message>
        <source>Show older sessions</source>
        <translation>Ältere Sitzungen anzeigen</translation>
    </message>
    <message>
        <source>Too many access codes were tried. You can enter the code again %1.</source>
        <translation>Es wurden zu viele Zugangscodes versucht. Sie können den Code %1 wieder eingeben.</translation>
    </message>
    <message>
        <source>The host did not let you in. You can ask again %1.</source>
        <translation>Der Host hat Sie nicht hereingelassen. Sie können %1 erneut fragen.</translation>
    </message>
    <message>
        <source>Many people are already waiting for the host to let them in. Try again in a while.</source>
        <translation>Es warten schon viele Personen darauf, dass der Host sie hereinlässt. Versuchen Sie es später noch einmal.</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier version(s) of your changes to this file are kept too: they follow.</source>
        <translation>
            <numerusform>%n frühere Fassung Ihrer Änderungen an dieser Datei ist ebenfalls aufbewahrt: Sie folgt.</numerusform>
            <numerusform>%n frühere Fassungen Ihrer Änderungen an dieser Datei sind ebenfalls aufbewahrt: Sie folgen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Your changes to %n file(s) are not on the server yet. They are kept on this computer and sent when you open that session again.</source>
        <translation>
            <numerusform>Ihre Änderungen an %n Datei sind noch nicht auf dem Server. Sie bleiben auf diesem Computer und werden gesendet, wenn Sie die Sitzung wieder öffnen.</numerusform>
            <numerusform>Ihre Änderungen an %n Dateien sind noch nicht auf dem Server. Sie bleiben auf diesem Computer und werden gesendet, wenn Sie die Sitzung wieder öffnen.</numerusform>
        </translation>
    </message>
    <message>
        <source>The changes the server refused are kept too: open that session again to save a copy.</source>
        <translation>Auch die Änderungen, die der Server abgelehnt hat, sind aufbewahrt: Öffnen Sie die Sitzung wieder, um eine Kopie zu speichern.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::CodeView</name>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <source>Find next</source>
        <translation>Weitersuchen</translation>
    </message>
    <message>
        <source>Find previous</source>
        <translation>Rückwärts suchen</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::CollabEditor</name>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>&amp;Ausschneiden</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>&amp;Einfügen</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>Alles a&amp;uswählen</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::CommentsPanel</name>
    <message>
        <source>Show resolved threads</source>
        <translation>Erledigte Diskussionen anzeigen</translation>
    </message>
    <message>
        <source>Reply to the selected thread</source>
        <translation>Auf die ausgewählte Diskussion antworten</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Antworten</translation>
    </message>
    <message>
        <source>Write a comment…</source>
        <translation>Kommentar schreiben…</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Kommentieren</translation>
    </message>
    <message>
        <source>No comments yet</source>
        <translation>Noch keine Kommentare</translation>
    </message>
    <message>
        <source>Select lines in the editor and write a comment below. Everyone sees it in the margin, and it stays with those lines as the code changes.</source>
        <translation>Wählen Sie Zeilen im Editor aus und schreiben Sie unten einen Kommentar. Alle sehen ihn am Rand, und er bleibt bei diesen Zeilen, auch wenn sich der Code ändert.</translation>
    </message>
    <message>
        <source>Open a file to comment on its lines.</source>
        <translation>Öffnen Sie eine Datei, um ihre Zeilen zu kommentieren.</translation>
    </message>
    <message>
        <source>New comment on %1, line %2</source>
        <translation>Neuer Kommentar zu %1, Zeile %2</translation>
    </message>
    <message>
        <source>New comment on %1, lines %2–%3</source>
        <translation>Neuer Kommentar zu %1, Zeilen %2–%3</translation>
    </message>
    <message>
        <source>deleted file</source>
        <translation>gelöschte Datei</translation>
    </message>
    <message>
        <source>%1:%2</source>
        <translation>%1:%2</translation>
    </message>
    <message>
        <source>%1:%2–%3</source>
        <translation>%1:%2–%3</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 · resolved</source>
        <translation>%1 · erledigt</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Wieder öffnen</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Not sent: you are offline. Your text is kept; try again when connected.</source>
        <translation>Nicht gesendet: Sie sind offline. Ihr Text bleibt erhalten; versuchen Sie es erneut, sobald Sie verbunden sind.</translation>
    </message>
    <message>
        <source>Not sent: %1 Your text is kept.</source>
        <translation>Nicht gesendet: %1 Ihr Text bleibt erhalten.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::ConnectionIndicator</name>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Abgemeldet</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s</source>
        <translation>Neuer Verbindungsversuch in %1 s</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::CoursesPane</name>
    <message>
        <source>Student</source>
        <translation>Studierende(r)</translation>
    </message>
    <message>
        <source>Instructor</source>
        <translation>Lehrkraft</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Every course has a room where its members talk. These are your courses and their rooms.</source>
        <translation>Jeder Kurs hat einen Raum, in dem sich seine Mitglieder austauschen. Das sind Ihre Kurse und ihre Räume.</translation>
    </message>
    <message>
        <source>You are not in a course yet</source>
        <translation>Sie sind noch in keinem Kurs</translation>
    </message>
    <message>
        <source>Join a course with the code your instructor gave you. Its room appears here, together with everyone in the course.</source>
        <translation>Treten Sie einem Kurs mit dem Code bei, den Sie von Ihrer Lehrkraft erhalten haben. Sein Raum erscheint dann hier, zusammen mit allen Kursmitgliedern.</translation>
    </message>
    <message>
        <source>Join a Course…</source>
        <translation>Kurs beitreten…</translation>
    </message>
    <message>
        <source>New Course…</source>
        <translation>Neuer Kurs…</translation>
    </message>
    <message>
        <source>Room “%1”</source>
        <translation>Raum „%1“</translation>
    </message>
    <message>
        <source>Join a Course</source>
        <translation>Kurs beitreten</translation>
    </message>
    <message>
        <source>Course join code from your instructor:</source>
        <translation>Beitrittscode von Ihrer Lehrkraft:</translation>
    </message>
    <message>
        <source>No course has this join code. Check the code with your instructor.</source>
        <translation>Kein Kurs hat diesen Beitrittscode. Prüfen Sie den Code mit Ihrer Lehrkraft.</translation>
    </message>
    <message>
        <source>New Course</source>
        <translation>Neuer Kurs</translation>
    </message>
    <message>
        <source>Course name:</source>
        <translation>Kursname:</translation>
    </message>
    <message>
        <source>Join code</source>
        <translation>Beitrittscode</translation>
    </message>
    <message>
        <source>Copy the join code</source>
        <translation>Beitrittscode kopieren</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::ErrorText</name>
    <message>
        <source>Cannot reach the server at %1. Check the address and your network connection, then try again.</source>
        <translation>Der Server unter %1 ist nicht erreichbar. Prüfen Sie die Adresse und Ihre Netzwerkverbindung und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>The username or password is not correct, or the account is disabled.</source>
        <translation>Benutzername oder Passwort sind nicht korrekt, oder das Konto ist gesperrt.</translation>
    </message>
    <message>
        <source>This server does not allow that. Ask your instructor or the server&apos;s administrator for an account.</source>
        <translation>Dieser Server erlaubt das nicht. Bitten Sie Ihre Lehrkraft oder die Administration des Servers um ein Konto.</translation>
    </message>
    <message>
        <source>No course has this join code. Check the code with your instructor.</source>
        <translation>Kein Kurs hat diesen Beitrittscode. Prüfen Sie den Code mit Ihrer Lehrkraft.</translation>
    </message>
    <message>
        <source>This username is already taken. Choose another one.</source>
        <translation>Dieser Benutzername ist bereits vergeben. Wählen Sie einen anderen.</translation>
    </message>
    <message>
        <source>Too many attempts. Try again %1.</source>
        <translation>Zu viele Versuche. Versuchen Sie es %1 erneut.</translation>
    </message>
    <message>
        <source>The server did not accept the request. Check what you entered and try again.</source>
        <translation>Der Server hat die Anfrage nicht angenommen. Prüfen Sie Ihre Eingaben und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>You are not signed in any more. Sign in again.</source>
        <translation>Sie sind nicht mehr angemeldet. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation>Dazu sind Sie nicht berechtigt.</translation>
    </message>
    <message>
        <source>This item does not exist, or you cannot see it.</source>
        <translation>Das existiert nicht, oder Sie dürfen es nicht sehen.</translation>
    </message>
    <message>
        <source>This clashes with something that already exists.</source>
        <translation>Das steht im Widerspruch zu etwas, das bereits existiert.</translation>
    </message>
    <message>
        <source>Too many requests. Try again %1.</source>
        <translation>Zu viele Anfragen. Versuchen Sie es %1 erneut.</translation>
    </message>
    <message>
        <source>This is too large for the server. Make it shorter and try again.</source>
        <translation>Das ist zu groß für den Server. Kürzen Sie es und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>This version of Cohort cannot talk to the server. Update Cohort or ask the server&apos;s administrator which version to use.</source>
        <translation>Diese Version von Cohort kann nicht mit dem Server kommunizieren. Aktualisieren Sie Cohort oder fragen Sie die Administration des Servers, welche Version Sie verwenden sollen.</translation>
    </message>
    <message>
        <source>Something went wrong on the server; nothing was changed. Try again later.</source>
        <translation>Auf dem Server ist ein Fehler aufgetreten; es wurde nichts geändert. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>The server is not available right now. Try again in a moment.</source>
        <translation>Der Server ist gerade nicht verfügbar. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>in 1 second</source>
        <translation>in 1 Sekunde</translation>
    </message>
    <message>
        <source>in %1 seconds</source>
        <translation>in %1 Sekunden</translation>
    </message>
    <message>
        <source>in %1 minutes</source>
        <translation>in %1 Minuten</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::FilePathDialog</name>
    <message>
        <source>Use / for folders, e.g. src/main.py. The ending picks the language.</source>
        <translation>Ordner mit /, z. B. src/main.py. Die Endung bestimmt die Sprache.</translation>
    </message>
    <message>
        <source>Another file already has this path.</source>
        <translation>Eine andere Datei hat bereits diesen Pfad.</translation>
    </message>
    <message>
        <source>A path cannot start with /, contain \ or use . and .. as names, and names cannot start or end with a space.</source>
        <translation>Ein Pfad darf nicht mit / beginnen, kein \ enthalten und nicht . oder .. als Namen verwenden; Namen dürfen nicht mit einem Leerzeichen beginnen oder enden.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::FileTreePanel</name>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>New file</source>
        <translation>Neue Datei</translation>
    </message>
    <message>
        <source>No files yet.</source>
        <translation>Noch keine Dateien.</translation>
    </message>
    <message>
        <source>In this file: %1</source>
        <translation>In dieser Datei: %1</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>New file…</source>
        <translation>Neue Datei…</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>Dateien importieren…</translation>
    </message>
    <message>
        <source>Import and export</source>
        <translation>Importieren und exportieren</translation>
    </message>
    <message>
        <source>Import files from disk…</source>
        <translation>Dateien von der Festplatte importieren…</translation>
    </message>
    <message>
        <source>Export as a folder…</source>
        <translation>Als Ordner exportieren…</translation>
    </message>
    <message>
        <source>Export as a zip archive…</source>
        <translation>Als ZIP-Archiv exportieren…</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::FindBar</name>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Replace with</source>
        <translation>Ersetzen durch</translation>
    </message>
    <message>
        <source>Regular e&amp;xpression</source>
        <translation>Regulärer A&amp;usdruck</translation>
    </message>
    <message>
        <source>Match &amp;case</source>
        <translation>Groß-/Kleinschreibung &amp;beachten</translation>
    </message>
    <message>
        <source>&amp;Whole words</source>
        <translation>Nur ganze &amp;Wörter</translation>
    </message>
    <message>
        <source>&amp;Previous</source>
        <translation>&amp;Vorheriges</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>&amp;Nächstes</translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation>&amp;Ersetzen</translation>
    </message>
    <message>
        <source>Replace &amp;all</source>
        <translation>&amp;Alle ersetzen</translation>
    </message>
    <message>
        <source>Close the find bar</source>
        <translation>Suchleiste schließen</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Keine Treffer</translation>
    </message>
    <message numerus="yes">
        <source>%n replaced</source>
        <translation>
            <numerusform>%n ersetzt</numerusform>
            <numerusform>%n ersetzt</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::HostBanner</name>
    <message>
        <source>You are hosting “%1” on this computer</source>
        <translation>Sie bieten „%1“ auf diesem Computer an</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Adresse:</translation>
    </message>
    <message>
        <source>Join code:</source>
        <translation>Beitrittscode:</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the address</source>
        <translation>Adresse kopieren</translation>
    </message>
    <message>
        <source>Copy the join code</source>
        <translation>Beitrittscode kopieren</translation>
    </message>
    <message>
        <source>This computer is not connected to a network, so only this computer can join right now.</source>
        <translation>Dieser Computer ist mit keinem Netzwerk verbunden; daher kann gerade nur dieser Computer teilnehmen.</translation>
    </message>
    <message>
        <source>Students enter the address and choose “Create an account” with the join code. Also reachable at %1.</source>
        <translation>Studierende geben die Adresse ein und wählen „Konto erstellen“ mit dem Beitrittscode. Auch erreichbar unter %1.</translation>
    </message>
    <message>
        <source>Students enter the address and choose “Create an account” with the join code. Keep Cohort open while you teach.</source>
        <translation>Studierende geben die Adresse ein und wählen „Konto erstellen“ mit dem Beitrittscode. Lassen Sie Cohort geöffnet, solange Sie unterrichten.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::HostClassDialog</name>
    <message>
        <source>Host a Class</source>
        <translation>Kurs anbieten</translation>
    </message>
    <message>
        <source>Host a class on this computer</source>
        <translation>Kurs auf diesem Computer anbieten</translation>
    </message>
    <message>
        <source>Cohort runs its server right here. Students on the same network join with the address and the course join code shown next.</source>
        <translation>Cohort betreibt seinen Server direkt auf diesem Computer. Studierende im selben Netzwerk treten mit der Adresse und dem Beitrittscode bei, die Ihnen anschließend angezeigt werden.</translation>
    </message>
    <message>
        <source>&amp;Course name:</source>
        <translation>&amp;Kursname:</translation>
    </message>
    <message>
        <source>e.g. Physics 101</source>
        <translation>z. B. Physik 101</translation>
    </message>
    <message>
        <source>&amp;Your name:</source>
        <translation>&amp;Ihr Name:</translation>
    </message>
    <message>
        <source>As your students see it</source>
        <translation>So sehen ihn Ihre Studierenden</translation>
    </message>
    <message>
        <source>&amp;Username:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <source>The class data stays on this computer in %1. Starting again with the same course name continues the same course.</source>
        <translation>Die Kursdaten bleiben auf diesem Computer in %1. Ein neuer Start mit demselben Kursnamen setzt denselben Kurs fort.</translation>
    </message>
    <message>
        <source>Starting the server…</source>
        <translation>Server wird gestartet…</translation>
    </message>
    <message>
        <source>&amp;Start Hosting</source>
        <translation>&amp;Server starten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Enter the name of the course you teach.</source>
        <translation>Geben Sie den Namen des Kurses ein, den Sie unterrichten.</translation>
    </message>
    <message>
        <source>Enter your name as your students should see it.</source>
        <translation>Geben Sie Ihren Namen so ein, wie Ihre Studierenden ihn sehen sollen.</translation>
    </message>
    <message>
        <source>A username has 3 to 32 characters: lower-case letters, digits, dots, hyphens and underscores, starting with a letter or a digit.</source>
        <translation>Ein Benutzername hat 3 bis 32 Zeichen: Kleinbuchstaben, Ziffern, Punkte, Bindestriche und Unterstriche, und beginnt mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <source>Signing you in…</source>
        <translation>Sie werden angemeldet…</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::HostedServer</name>
    <message>
        <source>The class is already being hosted.</source>
        <translation>Der Kurs wird bereits angeboten.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the class data.</source>
        <translation>Der Ordner %1 für die Kursdaten kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>No free network port from %1 on; close the program using it and try again.</source>
        <translation>Ab Port %1 ist kein Netzwerkport frei; beenden Sie das Programm, das ihn belegt, und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The built-in server did not start: %1</source>
        <translation>Der eingebaute Server ist nicht gestartet: %1</translation>
    </message>
    <message>
        <source>Cannot create the instructor account: %1</source>
        <translation>Das Konto der Lehrkraft kann nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Cannot create the course: %1</source>
        <translation>Der Kurs kann nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Cannot sign the host in: %1</source>
        <translation>Die Anmeldung auf diesem Computer ist fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::JoinWithCodeDialog</name>
    <message>
        <source>Join with a code</source>
        <translation>Mit Code beitreten</translation>
    </message>
    <message>
        <source>Type the session number and the access code your teacher or classmate gave you.</source>
        <translation>Geben Sie die Sitzungsnummer und den Zugangscode ein, die Sie von Ihrer Lehrkraft oder Mitschülern bekommen haben.</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>e.g. K7PX-3QMD</source>
        <translation>z. B. K7PX-3QMD</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Beitreten</translation>
    </message>
    <message>
        <source>Session number</source>
        <translation>Sitzungsnummer</translation>
    </message>
    <message>
        <source>Access code</source>
        <translation>Zugangscode</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::MainWindow</name>
    <message>
        <source>Student</source>
        <translation>Studierende(r)</translation>
    </message>
    <message>
        <source>Instructor</source>
        <translation>Lehrkraft</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Cohort</source>
        <translation>Cohort</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Live Classes</source>
        <translation>Live-Unterricht</translation>
    </message>
    <message>
        <source>Exams</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>No live classes scheduled</source>
        <translation>Kein Live-Unterricht geplant</translation>
    </message>
    <message>
        <source>When an instructor of your courses schedules a live class, it appears here with its time. In class you raise your hand, ask questions, answer polls and follow the whiteboard.</source>
        <translation>Sobald eine Lehrkraft Ihrer Kurse Live-Unterricht plant, erscheint er hier mit seiner Uhrzeit. Im Unterricht melden Sie sich, stellen Fragen, beantworten Umfragen und verfolgen das Whiteboard.</translation>
    </message>
    <message>
        <source>No exams published</source>
        <translation>Keine Prüfungen veröffentlicht</translation>
    </message>
    <message>
        <source>Exams of your courses appear here once an instructor publishes them, with their time window. Your answers are saved as you go, and results show up here when they are released.</source>
        <translation>Prüfungen Ihrer Kurse erscheinen hier mit ihrem Zeitfenster, sobald eine Lehrkraft sie veröffentlicht. Ihre Antworten werden laufend gespeichert, und die Ergebnisse erscheinen hier, sobald sie freigegeben sind.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Sign &amp;Out</source>
        <translation>A&amp;bmelden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Cohort</source>
        <translation>&amp;Über Cohort</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::MembersPanel</name>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Abwesend</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>Nicht stören</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>%1
@%2 · %3</source>
        <translation>%1
@%2 · %3</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Send a direct message</source>
        <translation>Direktnachricht senden</translation>
    </message>
    <message>
        <source>Make member</source>
        <translation>Zum Mitglied machen</translation>
    </message>
    <message>
        <source>Make admin</source>
        <translation>Zum Admin machen</translation>
    </message>
    <message>
        <source>Remove from the room</source>
        <translation>Aus dem Raum entfernen</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::MessageBanner</name>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::MessageDelegate</name>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <source>%1 joined the room</source>
        <translation>%1 ist dem Raum beigetreten</translation>
    </message>
    <message>
        <source>%1 left the room</source>
        <translation>%1 hat den Raum verlassen</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Wird gesendet …</translation>
    </message>
    <message>
        <source>Not sent · Retry</source>
        <translation>Nicht gesendet · Erneut versuchen</translation>
    </message>
    <message>
        <source>edited · %1</source>
        <translation>bearbeitet · %1</translation>
    </message>
    <message>
        <source>This message was deleted.</source>
        <translation>Diese Nachricht wurde gelöscht.</translation>
    </message>
    <message>
        <source>New messages</source>
        <translation>Neue Nachrichten</translation>
    </message>
    <message>
        <source>%1 · last %2</source>
        <translation>%1 · zuletzt %2</translation>
    </message>
    <message>
        <source>The room was archived</source>
        <translation>Der Raum wurde archiviert</translation>
    </message>
    <message>
        <source>The room is now “%1”: %2</source>
        <translation>Der Raum heißt jetzt „%1“: %2</translation>
    </message>
    <message>
        <source>The room is now “%1”</source>
        <translation>Der Raum heißt jetzt „%1“</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>%1 · upload failed</source>
        <translation>%1 · Hochladen fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 · uploading %2%</source>
        <translation>%1 · wird hochgeladen: %2 %</translation>
    </message>
    <message>
        <source>%1 · downloading %2%</source>
        <translation>%1 · wird heruntergeladen: %2 %</translation>
    </message>
    <message>
        <source>Loading preview… %1%</source>
        <translation>Vorschau wird geladen … %1 %</translation>
    </message>
    <message>
        <source>Loading preview…</source>
        <translation>Vorschau wird geladen …</translation>
    </message>
    <message numerus="yes">
        <source>%n reply(s)</source>
        <translation>
            <numerusform>%n Antwort</numerusform>
            <numerusform>%n Antworten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %n new</source>
        <translation>
            <numerusform>%1 · %n neue</numerusform>
            <numerusform>%1 · %n neue</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::NewSessionDialog</name>
    <message>
        <source>New code session</source>
        <translation>Neue Code-Sitzung</translation>
    </message>
    <message>
        <source>e.g. Lab 3: linked lists</source>
        <translation>z. B. Labor 3: verkettete Listen</translation>
    </message>
    <message>
        <source>None (private)</source>
        <translation>Keiner (privat)</translation>
    </message>
    <message>
        <source>Everyone in the course can find and join it</source>
        <translation>Alle im Kurs können sie finden und beitreten</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>Whoever has the code can join, even from outside the course.</source>
        <translation>Wer den Code hat, kann beitreten, auch von außerhalb des Kurses.</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Course</source>
        <translation>Kurs</translation>
    </message>
    <message>
        <source>Access code</source>
        <translation>Zugangscode</translation>
    </message>
    <message>
        <source>Collaborators at most</source>
        <translation>Höchstens Mitwirkende</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Only the course&apos;s instructors can open a session to the whole course. Share yours with an access code: whoever has it can join.</source>
        <translation>Nur die Lehrenden des Kurses können eine Sitzung für den ganzen Kurs öffnen. Teilen Sie Ihre mit einem Zugangscode: Wer ihn hat, kann beitreten.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::ParticipantsPanel</name>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Editor</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>Viewer</source>
        <translation>Zuschauer</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>%1 (you)</source>
        <translation>%1 (Sie)</translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>Wartet auf Bestätigung</translation>
    </message>
    <message>
        <source>lecturing</source>
        <translation>trägt vor</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <source>Following</source>
        <translation>Folge ich</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <source>Stop following %1</source>
        <translation>%1 nicht mehr folgen</translation>
    </message>
    <message>
        <source>Go where %1 is and stay with their view</source>
        <translation>Dorthin gehen, wo %1 ist, und der Ansicht folgen</translation>
    </message>
    <message>
        <source>Role and approval</source>
        <translation>Rolle und Bestätigung</translation>
    </message>
    <message>
        <source>Let in</source>
        <translation>Hereinlassen</translation>
    </message>
    <message>
        <source>Turn away</source>
        <translation>Abweisen</translation>
    </message>
    <message>
        <source>Pass the pen</source>
        <translation>Stift übergeben</translation>
    </message>
    <message>
        <source>Take the pen back</source>
        <translation>Stift zurücknehmen</translation>
    </message>
    <message>
        <source>Make host</source>
        <translation>Zum Host machen</translation>
    </message>
    <message>
        <source>Make editor</source>
        <translation>Zum Bearbeiter machen</translation>
    </message>
    <message>
        <source>Make viewer (read only)</source>
        <translation>Zum Zuschauer machen (nur lesen)</translation>
    </message>
    <message>
        <source>Remove from session…</source>
        <translation>Aus der Sitzung entfernen …</translation>
    </message>
    <message>
        <source>Remove %1?</source>
        <translation>%1 entfernen?</translation>
    </message>
    <message>
        <source>%1 leaves the session at once and can come back only if a host lets them in again.</source>
        <translation>%1 verlässt die Sitzung sofort und kann nur zurückkommen, wenn ein Host den Zutritt wieder erlaubt.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::RoomListDelegate</name>
    <message>
        <source>No messages yet</source>
        <translation>Noch keine Nachrichten</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::SearchPanel</name>
    <message>
        <source>No messages found</source>
        <translation>Keine Nachrichten gefunden</translation>
    </message>
    <message>
        <source>%1 · %2 · %3
%4</source>
        <translation>%1 · %2 · %3
%4</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Search messages</source>
        <translation>Nachrichten durchsuchen</translation>
    </message>
    <message>
        <source>Filters: from:username  in:#room  before:2026-12-31  after:2026-01-01  has:file</source>
        <translation>Filter: from:benutzername  in:#raum  before:2026-12-31  after:2026-01-01  has:file</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::SessionExport</name>
    <message>
        <source>The file name “%1” cannot be written to disk.</source>
        <translation>Der Dateiname „%1“ kann nicht auf die Festplatte geschrieben werden.</translation>
    </message>
    <message>
        <source>Could not create the folder for “%1”.</source>
        <translation>Der Ordner für „%1“ konnte nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Could not write “%1”: %2</source>
        <translation>„%1“ konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>The file name “%1” cannot be written to a zip archive.</source>
        <translation>Der Dateiname „%1“ kann nicht in ein ZIP-Archiv geschrieben werden.</translation>
    </message>
    <message>
        <source>Could not create “%1”.</source>
        <translation>„%1“ konnte nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Could not add “%1” to the archive: %2</source>
        <translation>„%1“ konnte nicht ins Archiv aufgenommen werden: %2</translation>
    </message>
    <message>
        <source>“%1” is not empty. Export into a new or empty folder.</source>
        <translation>„%1“ ist nicht leer. Exportieren Sie in einen neuen oder leeren Ordner.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::SettingsDialog</name>
    <message>
        <source>Enter a server address such as ws://192.168.1.20:8740.</source>
        <translation>Geben Sie eine Serveradresse wie ws://192.168.1.20:8740 ein.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation>&amp;Serveradresse:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Farbschema:</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Used the next time you sign in. A sign-in you keep is stored only in the system keychain, never in the settings file.</source>
        <translation>Gilt ab der nächsten Anmeldung. Eine Anmeldung, die Sie behalten, wird nur im Schlüsselbund des Systems aufbewahrt, niemals in der Einstellungsdatei.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::SignInDialog</name>
    <message>
        <source>Sign in to Cohort</source>
        <translation>Bei Cohort anmelden</translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation>&amp;Serveradresse:</translation>
    </message>
    <message>
        <source>e.g. ws://192.168.1.20:8740</source>
        <translation>z. B. ws://192.168.1.20:8740</translation>
    </message>
    <message>
        <source>The address your school or instructor gave you.</source>
        <translation>Die Adresse, die Sie von Ihrer Schule oder Lehrkraft erhalten haben.</translation>
    </message>
    <message>
        <source>Setup &amp;token:</source>
        <translation>Einrichtungs&amp;schlüssel:</translation>
    </message>
    <message>
        <source>Printed by the server at its first start</source>
        <translation>Vom Server bei seinem ersten Start ausgegeben</translation>
    </message>
    <message>
        <source>&amp;Username:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <source>&amp;Full name:</source>
        <translation>&amp;Vollständiger Name:</translation>
    </message>
    <message>
        <source>As others in your course see it</source>
        <translation>So sehen ihn die anderen in Ihrem Kurs</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Course &amp;join code:</source>
        <translation>Beitritts&amp;code des Kurses:</translation>
    </message>
    <message>
        <source>e.g. K7PX-3QMD</source>
        <translation>z. B. K7PX-3QMD</translation>
    </message>
    <message>
        <source>&amp;Keep me signed in</source>
        <translation>A&amp;ngemeldet bleiben</translation>
    </message>
    <message>
        <source>Cohort keeps your sign-in in the system keychain, never in a plain file.</source>
        <translation>Cohort bewahrt Ihre Anmeldung im Schlüsselbund des Systems auf, niemals in einer einfachen Datei.</translation>
    </message>
    <message>
        <source>&amp;Host a Class on This Computer…</source>
        <translation>Kurs auf diesem &amp;Computer anbieten…</translation>
    </message>
    <message>
        <source>Run a Cohort server in this app so students on your network can join your class.</source>
        <translation>Einen Cohort-Server in dieser App betreiben, damit Studierende in Ihrem Netzwerk Ihrem Kurs beitreten können.</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Set up this server</source>
        <translation>Diesen Server einrichten</translation>
    </message>
    <message>
        <source>No keychain is available on this computer, so Cohort cannot remember your sign-in. You stay signed in until you quit Cohort.</source>
        <translation>Auf diesem Computer ist kein Schlüsselbund verfügbar, daher kann sich Cohort Ihre Anmeldung nicht merken. Sie bleiben angemeldet, bis Sie Cohort beenden.</translation>
    </message>
    <message>
        <source>Use the account your school or instructor gave you.</source>
        <translation>Verwenden Sie das Konto, das Sie von Ihrer Schule oder Lehrkraft erhalten haben.</translation>
    </message>
    <message>
        <source>&amp;Sign In</source>
        <translation>&amp;Anmelden</translation>
    </message>
    <message>
        <source>New here? Create an account with a join code</source>
        <translation>Neu hier? Konto mit einem Beitrittscode erstellen</translation>
    </message>
    <message>
        <source>Create your account</source>
        <translation>Konto erstellen</translation>
    </message>
    <message>
        <source>Enter the course join code from your instructor; you join that course right away.</source>
        <translation>Geben Sie den Beitrittscode von Ihrer Lehrkraft ein; Sie treten dem Kurs sofort bei.</translation>
    </message>
    <message>
        <source>&amp;Create Account</source>
        <translation>Konto &amp;erstellen</translation>
    </message>
    <message>
        <source>I already have an account</source>
        <translation>Ich habe bereits ein Konto</translation>
    </message>
    <message>
        <source>Lower-case letters, digits, . _ -</source>
        <translation>Kleinbuchstaben, Ziffern, . _ -</translation>
    </message>
    <message>
        <source>Create the administrator account of this new server with the one-time setup token it printed when it first started.</source>
        <translation>Legen Sie das Administratorkonto dieses neuen Servers mit dem einmaligen Einrichtungsschlüssel an, den er beim ersten Start ausgegeben hat.</translation>
    </message>
    <message>
        <source>&amp;Create Administrator</source>
        <translation>&amp;Administrator anlegen</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Anmeldung läuft…</translation>
    </message>
    <message>
        <source>Creating the account…</source>
        <translation>Konto wird erstellt…</translation>
    </message>
    <message>
        <source>Enter the server address, e.g. ws://192.168.1.20:8740.</source>
        <translation>Geben Sie die Serveradresse ein, z. B. ws://192.168.1.20:8740.</translation>
    </message>
    <message>
        <source>Enter the setup token that the server printed at its first start.</source>
        <translation>Geben Sie den Einrichtungsschlüssel ein, den der Server bei seinem ersten Start ausgegeben hat.</translation>
    </message>
    <message>
        <source>Enter your username.</source>
        <translation>Geben Sie Ihren Benutzernamen ein.</translation>
    </message>
    <message>
        <source>A username has 3 to 32 characters: lower-case letters, digits, dots, hyphens and underscores, starting with a letter or a digit.</source>
        <translation>Ein Benutzername hat 3 bis 32 Zeichen: Kleinbuchstaben, Ziffern, Punkte, Bindestriche und Unterstriche, und beginnt mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <source>Enter your full name.</source>
        <translation>Geben Sie Ihren vollständigen Namen ein.</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Geben Sie Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>Enter the course join code from your instructor.</source>
        <translation>Geben Sie den Beitrittscode von Ihrer Lehrkraft ein.</translation>
    </message>
    <message>
        <source>Access to the keychain was denied.</source>
        <translation>Der Zugriff auf den Schlüsselbund wurde verweigert.</translation>
    </message>
    <message>
        <source>At least %1 characters</source>
        <translation>Mindestens %1 Zeichen</translation>
    </message>
    <message>
        <source>Choose a password of at least %1 characters.</source>
        <translation>Wählen Sie ein Passwort mit mindestens %1 Zeichen.</translation>
    </message>
    <message>
        <source>This server has no administrator yet. If you run it, choose “Set up this server” and enter the setup token it printed.</source>
        <translation>Dieser Server hat noch keine Administration. Wenn Sie ihn betreiben, wählen Sie „Diesen Server einrichten“ und geben Sie den Einrichtungsschlüssel ein, den er ausgegeben hat.</translation>
    </message>
    <message>
        <source>Check the Server&apos;s Certificate</source>
        <translation>Zertifikat des Servers prüfen</translation>
    </message>
    <message>
        <source>The certificate of %1 has changed since you last signed in.</source>
        <translation>Das Zertifikat von %1 hat sich seit Ihrer letzten Anmeldung geändert.</translation>
    </message>
    <message>
        <source>Servers get new certificates from time to time, but a changed certificate is also what someone intercepting your connection would show. Trust it only if your administrator confirms this SHA-256 fingerprint:

%1</source>
        <translation>Server bekommen von Zeit zu Zeit neue Zertifikate, aber ein geändertes Zertifikat ist auch das, was jemand zeigen würde, der Ihre Verbindung abfängt. Vertrauen Sie ihm nur, wenn Ihre Administration diesen SHA-256-Fingerabdruck bestätigt:

%1</translation>
    </message>
    <message>
        <source>This computer does not recognise the certificate of %1.</source>
        <translation>Dieser Computer kennt das Zertifikat von %1 nicht.</translation>
    </message>
    <message>
        <source>Schools that run their own server often make their own certificate. Compare this SHA-256 fingerprint with the one your instructor or administrator gives you, and trust it only if they match:

%1</source>
        <translation>Schulen mit eigenem Server erstellen oft ihr eigenes Zertifikat. Vergleichen Sie diesen SHA-256-Fingerabdruck mit dem, den Ihre Lehrkraft oder Administration Ihnen gibt, und vertrauen Sie ihm nur, wenn beide übereinstimmen:

%1</translation>
    </message>
    <message>
        <source>Issued to: %1
Issued by: %2
Valid from %3 to %4

%5</source>
        <translation>Ausgestellt für: %1
Ausgestellt von: %2
Gültig von %3 bis %4

%5</translation>
    </message>
    <message>
        <source>Trust and Sign In</source>
        <translation>Vertrauen und anmelden</translation>
    </message>
    <message>
        <source>Not signed in: the server&apos;s certificate was not trusted.</source>
        <translation>Nicht angemeldet: Dem Zertifikat des Servers wurde nicht vertraut.</translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::VersionsDialog</name>
    <message>
        <source>Versions of “%1”</source>
        <translation>Versionen von „%1“</translation>
    </message>
    <message>
        <source>Save a version…</source>
        <translation>Version speichern…</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>%1, by %2</source>
        <translation>%1, von %2</translation>
    </message>
    <message>
        <source>No versions yet. Save one before a risky change, or at the end of a lesson.</source>
        <translation>Noch keine Versionen. Speichern Sie eine vor einer riskanten Änderung oder am Ende einer Stunde.</translation>
    </message>
    <message>
        <source>Save a version</source>
        <translation>Version speichern</translation>
    </message>
    <message>
        <source>Name of the version:</source>
        <translation>Name der Version:</translation>
    </message>
    <message>
        <source>Restore this version?</source>
        <translation>Diese Version wiederherstellen?</translation>
    </message>
    <message>
        <source>Every file goes back to “%1” for everyone in the session. Save a version first if you may want today&apos;s state back.</source>
        <translation>Alle Dateien gehen für alle in der Sitzung auf „%1“ zurück. Speichern Sie vorher eine Version, falls Sie den heutigen Stand noch brauchen.</translation>
    </message>
    <message>
        <source>Restored.</source>
        <translation>Wiederhergestellt.</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>This session has as many versions as the server keeps. None is deleted to make room: delete one you no longer need, or ask the server&apos;s admin to raise the limit.</source>
        <translation>Diese Sitzung hat so viele Versionen, wie der Server aufbewahrt. Es wird keine gelöscht, um Platz zu schaffen: Löschen Sie eine, die Sie nicht mehr brauchen, oder bitten Sie die Administration des Servers, die Grenze anzuheben.</translation>
    </message>
    <message>
        <source>Delete this version?</source>
        <translation>Diese Version löschen?</translation>
    </message>
    <message>
        <source>“%1” is deleted for everyone in the session and cannot be restored any more. The files stay as they are now.</source>
        <translation>„%1“ wird für alle in der Sitzung gelöscht und kann nicht mehr wiederhergestellt werden. Die Dateien bleiben, wie sie jetzt sind.</translation>
    </message>
</context>
</TS>
