"""Class: the teacher's live view of every student's neuron, with pacing, the spotlight and a class experiment."""

from perceptron.web.classpage import class_page, teacher
from perceptron.web.frame import finish, page, stop

lab = page(
    "Live class",
    "Every student's neuron as they train it, about two seconds behind: their decision boundary over their points, "
    "their cost curve, where they are and what they chose. Move everyone to a page, lock settings, pause the class, "
    "show one run on the projector, or give each student their own value of a setting and plot what the class found.",
    key="class",
)
if teacher() is None:
    stop(lab, "This page needs the teacher's link: the one *Start a live class* (Home → For teachers) gave you. "
              "Students join on Home with the class code.")
class_page()
finish(lab)
