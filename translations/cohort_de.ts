<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Cohort::Ui::AppController</name>
    <message>
        <source>Your saved sign-in has expired or was revoked. Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Cohort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cohort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Cohort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Cohort %1&lt;/h3&gt;&lt;p&gt;A desktop classroom: chat, live classes, exams and code, over one connection to your school&apos;s server or to a class hosted on this computer.&lt;/p&gt;&lt;p&gt;Built with Qt %2 (running on Qt %3).&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your session has ended, for example because your password was changed or you signed out on another computer. Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::ConnectionIndicator</name>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting in %1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::CoursesPane</name>
    <message>
        <source>Student</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instructor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every course has a room where its members talk. These are your courses and their rooms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not in a course yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a course with the code your instructor gave you. Its room appears here, together with everyone in the course.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a Course…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Course…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Join Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join code %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a Course</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course join code from your instructor:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No course has this join code. Check the code with your instructor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Course</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course name:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::ErrorText</name>
    <message>
        <source>Cannot reach the server at %1. Check the address and your network connection, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The username or password is not correct, or the account is disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This server does not allow that. Ask your instructor or the server&apos;s administrator for an account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No course has this join code. Check the code with your instructor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This username is already taken. Choose another one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many attempts. Try again %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not accept the request. Check what you entered and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not signed in any more. Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This item does not exist, or you cannot see it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This clashes with something that already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many requests. Try again %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is too large for the server. Make it shorter and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This version of Cohort cannot talk to the server. Update Cohort or ask the server&apos;s administrator which version to use.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong on the server; nothing was changed. Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is not available right now. Try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in 1 second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in %1 seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in %1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::HostBanner</name>
    <message>
        <source>You are hosting “%1” on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the join code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer is not connected to a network, so only this computer can join right now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Students enter the address and choose “Create an account” with the join code. Also reachable at %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Students enter the address and choose “Create an account” with the join code. Keep Cohort open while you teach.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::HostClassDialog</name>
    <message>
        <source>Host a Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host a class on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cohort runs its server right here. Students on the same network join with the address and the course join code shown next.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Course name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Physics 101</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Your name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As your students see it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Username:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The class data stays on this computer in %1. Starting again with the same course name continues the same course.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting the server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start Hosting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the name of the course you teach.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your name as your students should see it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A username has 3 to 32 characters: lower-case letters, digits, dots, hyphens and underscores, starting with a letter or a digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing you in…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::HostedServer</name>
    <message>
        <source>The class is already being hosted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the class data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No free network port from %1 on; close the program using it and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The built-in server did not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the instructor account: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the course: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot sign the host in: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::MainWindow</name>
    <message>
        <source>Student</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instructor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cohort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live Classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No live classes scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When an instructor of your courses schedules a live class, it appears here with its time. In class you raise your hand, ask questions, answer polls and follow the whiteboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No exams published</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exams of your courses appear here once an instructor publishes them, with their time window. Your answers are saved as you go, and results show up here when they are released.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No shared code yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code files of your courses open here to edit together: everyone sees the others&apos; cursors, selections and comments as they type.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Cohort</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::SettingsDialog</name>
    <message>
        <source>Enter a server address such as ws://192.168.1.20:8740.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used the next time you sign in. Your sign-in itself is kept in the system keychain, never in the settings file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::SignInDialog</name>
    <message>
        <source>Sign in to Cohort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. ws://192.168.1.20:8740</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address your school or instructor gave you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setup &amp;token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printed by the server at its first start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Username:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Full name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As others in your course see it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course &amp;join code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. K7PX-3QMD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keep me signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cohort keeps your sign-in in the system keychain, never in a plain file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Host a Class on This Computer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run a Cohort server in this app so students on your network can join your class.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up this server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is available on this computer, so Cohort cannot remember your sign-in. You stay signed in until you quit Cohort.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the account your school or instructor gave you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sign In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New here? Create an account with a join code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create your account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the course join code from your instructor; you join that course right away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Create Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I already have an account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lower-case letters, digits, . _ -</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the administrator account of this new server with the one-time setup token it printed when it first started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Create Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the account…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server address, e.g. ws://192.168.1.20:8740.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the setup token that the server printed at its first start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your username.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A username has 3 to 32 characters: lower-case letters, digits, dots, hyphens and underscores, starting with a letter or a digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your full name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the course join code from your instructor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access to the keychain was denied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At least %1 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a password of at least %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
